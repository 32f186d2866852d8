// Real-time factors of the speech path through Sentio (inference worker): Silero VAD over the LibriVox
// clip (target ≥ 30× faster than real time) with a raw in-page session over the same frames as a second
// baseline, and Whisper tiny q8 on WASM (target ≤ 0.5 s per s of audio).
import * as ort from 'onnxruntime-web/wasm';
import { wavTo16kMono } from '../src/inference/audio';
import { startInferenceWorker } from '../src/inference/client';
import clipUrl from '../e2e/fixtures/media/librivox-0870.wav?url';
import { compare, median, runBench } from './harness';

async function rawVadSeconds(audio: Float32Array): Promise<number> {
  ort.env.wasm.wasmPaths = '/runtime/ort/';
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(await (await fetch('/models/silero-vad-v5/model.onnx')).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), [1]);
  const run = async () => {
    let state = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
    const t0 = performance.now();
    let context = new Float32Array(64);
    for (let i = 0; i + 512 <= audio.length; i += 512) {
      const x = new Float32Array(576);
      x.set(context);
      x.set(audio.subarray(i, i + 512), 64);
      context = x.slice(512);
      const out = await session.run({ input: new ort.Tensor('float32', x, [1, 576]), state, sr });
      state = out['stateN'] as typeof state;
    }
    return (performance.now() - t0) / 1000;
  };
  await run();
  const s = median([await run(), await run(), await run()]);
  await session.release();
  return s;
}

runBench(async (progress) => {
  const audio = wavTo16kMono(await (await fetch(clipUrl)).arrayBuffer());
  const seconds = audio.length / 16000;
  const client = startInferenceWorker();
  progress('VAD warm-up');
  await client.infer('voice-activity', audio);
  progress('VAD');
  const vadRuns: number[] = [];
  let vadBackend = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await client.infer('voice-activity', audio);
    vadRuns.push((performance.now() - t0) / 1000);
    vadBackend = `${r.backend}, ${r.threads} thread${r.threads === 1 ? '' : 's'}`;
  }
  const vad = median(vadRuns);
  progress('raw VAD');
  const raw = await rawVadSeconds(audio);
  progress('Whisper warm-up (model load)');
  await client.infer('speech-recognition', audio);
  progress('Whisper');
  const asrRuns: number[] = [];
  let asrBackend = '';
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = await client.infer('speech-recognition', audio);
    asrRuns.push((performance.now() - t0) / 1000);
    asrBackend = `${r.backend}, ${r.threads} threads`;
  }
  client.close();
  return [
    compare('inference-audio', `VAD speed vs real time (${vadBackend}), × real time`, seconds / vad, 1, '×', {
      op: '>=',
      ratio: 30,
    }),
    compare('inference-audio', 'VAD through Sentio vs raw in-page session.run loop, s', vad, raw, 's'),
    compare(
      'inference-audio',
      `Whisper tiny q8 time vs audio duration (${asrBackend}), s`,
      median(asrRuns),
      seconds,
      's',
      { op: '<=', ratio: 0.5 },
    ),
  ];
});
