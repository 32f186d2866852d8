// Real-time factors of the speech path through Sentio (inference worker): Silero VAD over the LibriVox
// clip (target ≥ 30× faster than real time) against the most careful raw onnxruntime-web loop over the same
// frames (target ≤ 1.25×), the speech pipeline fed at real-time pace (it must never fall a batch behind),
// and Whisper tiny q8 on WASM (target ≤ 0.5 s per s of audio).
import * as ort from 'onnxruntime-web/wasm';
import { createLocalBus } from '../src/bus/local-bus';
import { wavTo16kMono } from '../src/inference/audio';
import { startInferenceWorker, type InferenceClient } from '../src/inference/client';
import type { PerceptionEvents } from '../src/inference/pipelines/events';
import { createSpeechPipeline } from '../src/inference/pipelines/speech-pipeline';
import clipUrl from '../e2e/fixtures/media/librivox-0870.wav?url';
import { compare, median, percentile, runBench } from './harness';
import type { RawMessage } from './raw-echo.worker';

/**
 * The raw baseline, as fast as onnxruntime-web goes: the plain WASM build on one thread (what the product's
 * VAD backend runs), every tensor created once, the 576-sample input rewritten in place (64 samples of
 * context, then 512 new ones), the state output fed straight back as the next input, warm-up excluded.
 */
async function createRawVad(bytes: Uint8Array) {
  ort.env.wasm.wasmPaths = '/runtime/ort/';
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const x = new Float32Array(576);
  const input = new ort.Tensor('float32', x, [1, 576]);
  const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
  const zeroState = new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]);
  const feeds: Record<string, ort.Tensor> = { input, sr, state: zeroState };
  /** Seconds to run every frame of `audio`; the state and the context carry over from the last call. */
  const run = async (audio: Float32Array) => {
    const t0 = performance.now();
    for (let i = 0; i + 512 <= audio.length; i += 512) {
      x.copyWithin(0, 512, 576);
      x.set(audio.subarray(i, i + 512), 64);
      const out = await session.run(feeds);
      feeds.state = out['stateN'] as ort.Tensor;
    }
    return (performance.now() - t0) / 1000;
  };
  return { run, release: () => session.release() };
}

/** Seconds for one `infer('voice-activity')` as a caller sees it (the worker round trip included). */
async function sentioVad(client: InferenceClient, audio: Float32Array, stream: string) {
  const t0 = performance.now();
  const r = await client.infer('voice-activity', audio, { stream });
  const threads = `${r.threads} thread${r.threads === 1 ? '' : 's'}`;
  return { s: (performance.now() - t0) / 1000, backend: `${r.backend}, ${threads}` };
}

/** Seconds for a bare postMessage round trip to a worker (raw-echo.worker: no Sentio code). */
function ping(w: Worker): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    w.addEventListener('message', () => resolve((performance.now() - t0) / 1000), { once: true });
    w.postMessage({ type: 'ping', t: t0 } satisfies RawMessage);
  });
}

/**
 * Streams `audio` through the speech pipeline at real-time pace, in the app's 4096-sample batches, and
 * returns the times (ms) from each batch's arrival until the VAD had been through it: the last one says
 * whether a backlog built up (falling behind accumulates), the worst one what a stalled neighbour cost.
 */
async function pipelineLag(client: InferenceClient, audio: Float32Array, batch: number) {
  const bus = createLocalBus<PerceptionEvents>({ name: 'bench' });
  const pipeline = createSpeechPipeline({
    bus,
    infer: (task, input, opts) => client.infer(task, input, opts),
    stream: `bench.${Date.now()}`,
    transcribe: false,
  });
  const batchMs = (batch / 16000) * 1000;
  const t0 = performance.now();
  const done: Promise<number>[] = [];
  for (let i = 0, n = 0; i + batch <= audio.length; i += batch, n++) {
    const arrival = t0 + n * batchMs;
    const wait = arrival - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    done.push(pipeline.push(audio.subarray(i, i + batch)).then(() => performance.now() - arrival));
  }
  const lags = await Promise.all(done);
  await pipeline.flush();
  pipeline.close();
  return {
    worst: Math.max(...lags),
    p95: percentile(
      [...lags].sort((a, b) => a - b),
      95,
    ),
    batchMs,
  };
}

runBench(async (progress) => {
  const audio = wavTo16kMono(await (await fetch(clipUrl)).arrayBuffer());
  const seconds = audio.length / 16000;
  const client = startInferenceWorker();
  const echo = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  const raw = await createRawVad(
    new Uint8Array(await (await fetch('/models/silero-vad-v5/model.onnx')).arrayBuffer()),
  );
  progress('VAD warm-up');
  await client.infer('voice-activity', audio);
  await raw.run(audio);
  // Interleaved, alternating which side goes first, so the load of this shared machine falls on both
  // sides alike; medians of many runs. Whole clip: one call for all of it, as the issue measured.
  progress('VAD: Sentio and raw, whole clip, interleaved');
  const clipRuns: number[] = [];
  const rawClipRuns: number[] = [];
  let vadBackend = '';
  for (let i = 0; i < 10; i++) {
    if (i % 2 === 1) rawClipRuns.push(await raw.run(audio));
    const v = await sentioVad(client, audio, `clip.${i}`);
    clipRuns.push(v.s);
    vadBackend = v.backend;
    if (i % 2 === 0) rawClipRuns.push(await raw.run(audio));
  }
  // Batch by batch (the app's 4096 samples, state carried on both sides): each Sentio call also pays one
  // round trip to its worker, so the raw side here is the raw batch plus a bare postMessage ping-pong.
  progress('VAD: Sentio and raw, batch by batch, interleaved');
  const BATCH = 4096;
  const batchRuns: number[] = [];
  const rawBatchRuns: number[] = [];
  const pings: number[] = [];
  for (let pass = 0, k = 0; pass < 2; pass++) {
    for (let i = 0; i + BATCH <= audio.length; i += BATCH, k++) {
      const batch = audio.subarray(i, i + BATCH);
      if (k % 2 === 1) rawBatchRuns.push(await raw.run(batch));
      if (k % 2 === 1) pings.push(await ping(echo));
      batchRuns.push((await sentioVad(client, batch, `batch.${pass}`)).s);
      if (k % 2 === 0) rawBatchRuns.push(await raw.run(batch));
      if (k % 2 === 0) pings.push(await ping(echo));
    }
  }
  echo.terminate();
  await raw.release();
  const vad = median(clipRuns);
  progress('VAD pipeline at real-time pace');
  const stream = new Float32Array(audio.length * 2);
  stream.set(audio);
  stream.set(audio, audio.length);
  const lag = await pipelineLag(client, stream, 4096);
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
    compare(
      'inference-audio',
      'VAD through Sentio vs raw in-page session.run loop, s',
      vad,
      median(rawClipRuns),
      's',
      {
        op: '<=',
        ratio: 1.25,
      },
    ),
    compare(
      'inference-audio',
      'VAD per 4096-sample batch through Sentio vs raw batch + bare worker round trip, ms',
      median(batchRuns) * 1000,
      (median(rawBatchRuns) + median(pings)) * 1000,
      'ms',
      { op: '<=', ratio: 1.25 },
    ),
    compare(
      'inference-audio',
      'VAD pipeline fed at real-time pace: 95th-percentile lag vs one 4096-sample batch, ms',
      lag.p95,
      lag.batchMs,
      'ms',
      { op: '<=', ratio: 1 },
    ),
    compare(
      'inference-audio',
      'VAD pipeline fed at real-time pace: worst lag vs one 4096-sample batch, ms',
      lag.worst,
      lag.batchMs,
      'ms',
    ),
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
