// Face pipeline per frame (Sentio: page → inference worker: decode, letterbox, BlazeFace, anchors + NMS,
// then publish on the bus) against a raw onnxruntime-web session in this page with the same preprocessing
// written by hand here. Same model file, same WASM build, same thread count (isolated, 2 threads).
import * as ort from 'onnxruntime-web/wasm';
import { createLocalBus } from '../src/bus/local-bus';
import { startInferenceWorker } from '../src/inference/client';
import { createFacePipeline } from '../src/inference/pipelines/camera-pipelines';
import type { PerceptionEvents } from '../src/inference/pipelines/events';
import faceUrl from '../e2e/fixtures/media/face-640x480.jpg?url';
import { compare, median, runBench } from './harness';

const FRAMES = 60;
const SIZE = 128;

interface Stages {
  pre: number[];
  run: number[];
  /** Sentio only: queued → result inside the worker. */
  worker: number[];
}

async function rawPerFrame(bmp: ImageBitmap, stages: Stages): Promise<number[]> {
  ort.env.wasm.wasmPaths = '/runtime/ort/';
  ort.env.wasm.numThreads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;
  const bytes = new Uint8Array(await (await fetch('/models/blazeface-front-128/model.onnx')).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const ctx = new OffscreenCanvas(SIZE, SIZE).getContext('2d', { willReadFrequently: true })!;
  const once = async () => {
    const t0 = performance.now();
    const scale = SIZE / Math.max(bmp.width, bmp.height);
    ctx.fillRect(0, 0, SIZE, SIZE);
    ctx.drawImage(
      bmp,
      (SIZE - bmp.width * scale) / 2,
      (SIZE - bmp.height * scale) / 2,
      bmp.width * scale,
      bmp.height * scale,
    );
    const px = ctx.getImageData(0, 0, SIZE, SIZE).data;
    const x = new Float32Array(SIZE * SIZE * 3);
    for (let i = 0, j = 0; i < SIZE * SIZE; i++, j += 4) {
      x[i * 3] = px[j]! / 127.5 - 1;
      x[i * 3 + 1] = px[j + 1]! / 127.5 - 1;
      x[i * 3 + 2] = px[j + 2]! / 127.5 - 1;
    }
    const t1 = performance.now();
    const out = await session.run({ 'input:0': new ort.Tensor('float32', x, [1, SIZE, SIZE, 3]) });
    stages.pre.push(t1 - t0);
    stages.run.push(performance.now() - t1);
    // The cheapest decode: the best score (Sentio's decode adds boxes and NMS, 0.03 ms).
    const s = out['Identity:0']!.data as Float32Array;
    let best = -Infinity;
    for (const v of s) if (v > best) best = v;
    return best;
  };
  for (let i = 0; i < 5; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const t0 = performance.now();
    if ((await once()) < 0) throw new Error('raw baseline found no face');
    times.push(performance.now() - t0);
  }
  await session.release();
  return times;
}

async function sentioPerFrame(
  bmp: ImageBitmap,
  stages: Stages,
): Promise<{ times: number[]; backend: string }> {
  const client = startInferenceWorker();
  const bus = createLocalBus<PerceptionEvents>({ name: 'bench.camera' });
  let backend = '';
  let faces = 0;
  bus.subscribe('vision.face', (e) => {
    backend = e.payload.backend;
    stages.pre.push(e.payload.timings.preprocessMs);
    stages.run.push(e.payload.timings.modelMs);
    stages.worker.push(e.payload.timings.totalMs);
    faces += e.payload.faces.length;
  });
  const pipeline = createFacePipeline({ bus, infer: client.infer, expression: false });
  // Like camera frames: a new frame each time, handed over to the worker (made before the clock starts,
  // as the camera makes them).
  const frames = await Promise.all(Array.from({ length: FRAMES + 5 }, () => createImageBitmap(bmp)));
  for (let i = 0; i < 5; i++) await pipeline.push(frames[i]!, { transfer: true });
  const times: number[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const t0 = performance.now();
    await pipeline.push(frames[i + 5]!, { transfer: true });
    times.push(performance.now() - t0);
  }
  await bus.flush();
  if (faces < FRAMES) throw new Error(`Sentio found ${faces} faces in ${FRAMES + 5} frames`);
  client.close();
  return { times, backend };
}

runBench(async (progress) => {
  const bmp = await createImageBitmap(await (await fetch(faceUrl)).blob());
  progress('raw session.run');
  const rawStages: Stages = { pre: [], run: [], worker: [] };
  const ourStages: Stages = { pre: [], run: [], worker: [] };
  const raw1 = await rawPerFrame(bmp, rawStages);
  progress('sentio face pipeline');
  const sentio = await sentioPerFrame(bmp, ourStages);
  progress('raw again (drift check)');
  const raw2 = await rawPerFrame(bmp, rawStages);
  const raw = median([...raw1, ...raw2]);
  const perFrame = median(sentio.times);
  return [
    compare(
      'inference-face',
      `face pipeline per frame (${sentio.backend}, worker + bus) vs raw session.run in page, ms`,
      perFrame,
      raw,
      'ms',
      { op: '<=', ratio: 1.15 },
    ),
    compare(
      'inference-face',
      'stage: preprocess in worker vs by hand in page, ms',
      median(ourStages.pre),
      median(rawStages.pre),
      'ms',
    ),
    compare(
      'inference-face',
      'stage: session.run in worker vs in page, ms',
      median(ourStages.run),
      median(rawStages.run),
      'ms',
    ),
    compare(
      'inference-face',
      'in the worker (queue → result) vs the whole frame (page → worker → bus), ms',
      median(ourStages.worker),
      perFrame,
      'ms',
    ),
  ];
});
