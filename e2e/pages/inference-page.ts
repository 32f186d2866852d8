// Test page for the perception pipelines: a local bus, the real inference worker, the fake camera read with
// getUserMedia + MediaStreamTrackProcessor, and the fake microphone's WAV decoded and fed in chunks.
import { createLocalBus } from '../../src/bus/local-bus';
import type { SentioEvent } from '../../src/events/event';
import { wavTo16kMono } from '../../src/inference/audio';
import { startInferenceWorker } from '../../src/inference/client';
import { createFacePipeline, createPosePipeline } from '../../src/inference/pipelines/camera-pipelines';
import type { PerceptionEvents } from '../../src/inference/pipelines/events';
import { createSpeechPipeline } from '../../src/inference/pipelines/speech-pipeline';
import { createInferenceEngine } from '../../src/inference/engine';
import { parseManifest } from '../../src/inference/manifest';
import manifestJson from '../../models/manifest.json';

export interface SeenEvent {
  topic: string;
  ts: number;
  /** performance.now() when the event reached the recorder. */
  arrivedAt: number;
  privacy: string;
  source: string;
  payload: unknown;
}

function record(bus: ReturnType<typeof createLocalBus<PerceptionEvents>>) {
  const seen: SeenEvent[] = [];
  const sub = bus.subscribe('>', (e: SentioEvent) => {
    seen.push({
      topic: e.topic,
      ts: e.ts,
      arrivedAt: performance.now(),
      privacy: e.privacy,
      source: e.source,
      payload: e.payload,
    });
  });
  return { seen, stop: () => sub.unsubscribe() };
}

const client = startInferenceWorker();

async function runCamera(ms: number, which: 'face' | 'pose') {
  const bus = createLocalBus<PerceptionEvents>({ name: 'camera.front' });
  const rec = record(bus);
  const pipeline =
    which === 'face'
      ? createFacePipeline({ bus, infer: client.infer })
      : createPosePipeline({ bus, infer: client.infer });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const [track] = stream.getVideoTracks();
  const Processor = (
    window as unknown as {
      MediaStreamTrackProcessor: new (o: { track: MediaStreamTrack }) => {
        readable: ReadableStream<VideoFrame>;
      };
    }
  ).MediaStreamTrackProcessor;
  const reader = new Processor({ track: track! }).readable.getReader();
  // The window opens at the first result, not at the first frame: loading and warming the model can take
  // seconds on a loaded machine, and the tests judge what the pipeline produces once running. (Bounded: a
  // pipeline that never answers ends the run after a minute with what it has.)
  const topic = which === 'face' ? 'vision.face' : 'vision.pose';
  const started = performance.now();
  /** Date.now() when the first result arrived: frames read before it are warm-up leftovers. */
  let openedAt = Infinity;
  const until = () => {
    const first = rec.seen.find((e) => e.topic === topic || e.topic === 'inference.error');
    if (first && openedAt === Infinity) openedAt = Date.now() - (performance.now() - first.arrivedAt);
    return first ? first.arrivedAt + ms : started + 60_000;
  };
  const pending: Promise<void>[] = [];
  while (performance.now() < until()) {
    const { value: frame } = await reader.read();
    if (!frame) break;
    // Handed over like a camera frame: the worker (or the pipeline, if it is replaced) closes it. Stamped when
    // read, as the camera sensor stamps capture time, so events say when their frame was on air.
    pending.push(pipeline.push(frame, { privacy: 'local', transfer: true, ts: Date.now() }));
  }
  await reader.cancel();
  track!.stop();
  await Promise.all(pending);
  await bus.flush();
  rec.stop();
  const stats = pipeline.stats();
  pipeline.close();
  bus.close();
  // While the model loads, the pipeline holds the frame it was first given (latest wins only once it runs),
  // so the first results can be of a frame read seconds before the window opened — from any segment of the
  // video. Judged are the frames read once the pipeline was answering.
  return { events: rec.seen.filter((e) => e.topic === 'inference.error' || e.ts >= openedAt), stats };
}

async function runSpeech(url: string, chunk = 4000) {
  const bus = createLocalBus<PerceptionEvents>({ name: 'microphone' });
  const rec = record(bus);
  const pipeline = createSpeechPipeline({ bus, infer: client.infer, stream: `mic-${Math.random()}` });
  const audio = wavTo16kMono(await (await fetch(url)).arrayBuffer());
  for (let i = 0; i < audio.length; i += chunk)
    await pipeline.push(audio.subarray(i, i + chunk), { privacy: 'local' });
  await pipeline.flush();
  await bus.flush();
  rec.stop();
  const kept = pipeline.segmentAudio(1)?.length ?? 0;
  return { events: rec.seen, stats: pipeline.stats(), keptSamplesOfFirstSegment: kept };
}

/**
 * Loses the WebGPU device for real (GPUDevice.destroy() on onnxruntime's own device) under an engine run in
 * this page, then asks again: the engine must count the loss, report it, and fall back to WASM.
 */
async function loseGpuDevice(imageUrl: string) {
  const lost: { backend: string; reason: string; count: number }[] = [];
  const engine = createInferenceEngine({
    manifest: parseManifest(manifestJson),
    modelBaseUrl: '/models/',
    runtimeBaseUrl: '/runtime/',
    crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    webgpu: { available: true, isFallbackAdapter: true },
    onDeviceLost: (info) => lost.push(info),
  });
  const image = await (await fetch(imageUrl)).blob();
  const prefer = { backends: ['onnxruntime-webgpu' as const, 'onnxruntime-wasm' as const] };
  const before = await engine.infer(1, 'face-detection', image, prefer);
  const ort = await import('onnxruntime-web/webgpu');
  const device = await (ort.env.webgpu as unknown as { device: Promise<{ destroy(): void }> }).device;
  device.destroy();
  const t0 = performance.now();
  while (lost.length === 0 && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
  const after = await engine.infer(2, 'face-detection', image, prefer);
  return {
    before: { backend: before.backend, faces: before.output.faces.length },
    after: { backend: after.backend, faces: after.output.faces.length, fellBackFrom: after.fellBackFrom },
    lost,
    stats: engine.stats().deviceLosses,
  };
}

const api = { runCamera, runSpeech, loseGpuDevice, client };
(window as unknown as { inferenceTest: typeof api }).inferenceTest = api;
document.getElementById('status')!.textContent = 'ready';
