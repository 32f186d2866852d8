// Pose per frame: Sentio's pose pipeline (page → inference worker: MediaPipe pose landmarker, then gestures
// and the bus) against a raw MediaPipe Tasks Vision PoseLandmarker in this page on the same image. Same model
// file, same WASM build, CPU delegate, IMAGE mode, one pose. The two sides alternate in blocks, so the load
// this shared machine is under falls on both alike, and the medians are compared.
import { FilesetResolver, PoseLandmarker } from '@mediapipe/tasks-vision';
import { createLocalBus } from '../src/bus/local-bus';
import { startInferenceWorker } from '../src/inference/client';
import { createPosePipeline } from '../src/inference/pipelines/camera-pipelines';
import type { PerceptionEvents } from '../src/inference/pipelines/events';
import faceUrl from '../e2e/fixtures/media/face-640x480.jpg?url';
import { compare, median, runBench } from './harness';

const BLOCKS = 4;
const PER_BLOCK = 10;
const MODEL = '/models/pose-landmarker-full/pose_landmarker_full.task';

async function rawLandmarker(): Promise<PoseLandmarker> {
  const fileset = await FilesetResolver.forVisionTasks('/runtime/mediapipe/');
  return PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: MODEL, delegate: 'CPU' },
    runningMode: 'IMAGE',
    numPoses: 1,
  });
}

runBench(async (progress) => {
  const bmp = await createImageBitmap(await (await fetch(faceUrl)).blob());
  progress('loading both sides');
  const raw = await rawLandmarker();
  const client = startInferenceWorker();
  const bus = createLocalBus<PerceptionEvents>({ name: 'bench.camera' });
  let poses = 0;
  let backend = '';
  const modelMs: number[] = [];
  bus.subscribe('vision.pose', (e) => {
    poses += e.payload.poses.length;
    backend = e.payload.backend;
    modelMs.push(e.payload.timings.modelMs);
  });
  const pipeline = createPosePipeline({ bus, infer: client.infer });

  let rawPoses = 0;
  const rawOnce = () => {
    const t0 = performance.now();
    rawPoses += raw.detect(bmp).landmarks.length;
    return performance.now() - t0;
  };
  // Like camera frames: a new frame each time, handed over to the worker, made before the clock starts.
  const sentioOnce = async () => {
    const frame = await createImageBitmap(bmp);
    const t0 = performance.now();
    await pipeline.push(frame, { transfer: true });
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) {
    rawOnce();
    await sentioOnce();
  }
  rawPoses = 0;
  poses = 0;
  modelMs.length = 0;

  const rawTimes: number[] = [];
  const ourTimes: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    progress(`block ${b + 1}/${BLOCKS}`);
    const rawFirst = b % 2 === 0;
    for (const side of rawFirst ? ['raw', 'sentio'] : ['sentio', 'raw']) {
      for (let i = 0; i < PER_BLOCK; i++) {
        if (side === 'raw') rawTimes.push(rawOnce());
        else ourTimes.push(await sentioOnce());
      }
    }
  }
  await bus.flush();
  const n = BLOCKS * PER_BLOCK;
  if (rawPoses < n || poses < n)
    throw new Error(`poses found: raw ${rawPoses}, Sentio ${poses} of ${n} frames`);
  raw.close();
  client.close();
  return [
    compare(
      'inference-pose',
      `pose pipeline per frame (${backend}, worker + bus) vs raw PoseLandmarker.detect in page, ms`,
      median(ourTimes),
      median(rawTimes),
      'ms',
      { op: '<=', ratio: 1.15 },
    ),
    compare(
      'inference-pose',
      'stage: the model call in the worker vs raw detect in page, ms',
      median(modelMs),
      median(rawTimes),
      'ms',
    ),
  ];
});
