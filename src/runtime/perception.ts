// Live perception in the app: the camera and the microphone of this tab feed the perception pipelines, whose
// events (vision.face, vision.face.expression, vision.pose, vision.gesture, audio.speech.start/.end,
// audio.transcript) go on the bus for agents. Camera and microphone start and fail independently; every failure,
// model warm-up and backend fallback becomes state a person can read (perception-state.ts).
//
// The sensors and pipelines publish through a tap on the app's bus: everything still goes on the bus, and this
// module sees what *its own* sensors and pipelines said the moment they said it. The bus also carries other
// tabs' sensors under the same topics; their microphone chunks must not be mixed into this tab's speech, nor
// their face boxes drawn over this tab's video.
import type { Bus, Handler, PublishOptions, SubscribeOptions } from '../bus/types';
import type { SentioEvent, TraceContext } from '../events/event';
import type { InferenceClient } from '../inference/client';
import type { Task } from '../inference/manifest';
import {
  createFacePipeline,
  createPosePipeline,
  type FramePipeline,
} from '../inference/pipelines/camera-pipelines';
import type { PerceptionEvents } from '../inference/pipelines/events';
import { createSpeechPipeline, type SpeechPipeline } from '../inference/pipelines/speech-pipeline';
import type { Infer, PipelineStats } from '../inference/pipelines/types';
import {
  createCamera,
  type Camera,
  type CameraFrame,
  type CameraOptions,
  type CameraStats,
} from '../sensors/camera';
import type { AudioChunk, SensorError, SensorRecovered, SensorStopped } from '../sensors/events';
import { createFrameReceiver } from '../sensors/frame-lane';
import {
  createMicrophone,
  type Microphone,
  type MicrophoneOptions,
  type MicrophoneStats,
} from '../sensors/microphone';
import {
  initialPerceptionState,
  reducePerception,
  type PerceptionAction,
  type PerceptionState,
  type SensorKind,
} from './perception-state';
import type { StageTracer } from '../telemetry/stage-tracer';
import { createAudioBatcher, type AudioBatcher, type AudioBatcherStats } from './audio-batcher';
import { createRateGate, type RateGate } from './rate-gate';

export interface PerceptionOptions {
  bus: Bus;
  /** `window.sentio.infer` or an inference client's `infer`. */
  infer: Infer;
  /**
   * Tasks to run elsewhere, e.g. `{ 'speech-recognition': otherWorker.infer }`. A worker runs one model call at
   * a time and Whisper holds it for seconds per segment: measured in the app under load, face results stopped
   * for the ~45 s the transcripts took, so the boxes went stale. Transcription on its own worker keeps the
   * realtime models' latency bounded.
   */
  inferFor?: Partial<Record<Task, Infer>>;
  /** Load progress (model downloads) of each inference client used, shown while models warm up. */
  onProgress?: InferenceClient['onProgress'] | InferenceClient['onProgress'][];
  /** Camera settings, or false for no camera. Default: "front", 640×480 at 15 fps. */
  camera?: Partial<Omit<CameraOptions, 'bus'>> | false;
  /** Microphone settings, or false for no microphone. Default: "main", 512-sample (32 ms) chunks at 16 kHz. */
  microphone?: Partial<Omit<MicrophoneOptions, 'bus'>> | false;
  /** Least time between frames given to the face pipeline (latest wins in between). Default 100 ms. */
  faceIntervalMs?: number;
  /** Least time between frames given to pose, or false for no pose. Default 500 ms: pose is ~10× face's cost. */
  poseIntervalMs?: number | false;
  /** Transcribe speech segments (Whisper). Default true. */
  transcribe?: boolean;
  /**
   * Least samples per voice-activity request. Default 4096 (256 ms); requests grow while the worker is busy
   * (audio-batcher.ts). One request per 32 ms chunk is 31 round trips a second through the worker that face and
   * pose keep busy: in the app under load that fell ever further behind real time.
   */
  speechBatchSamples?: number;
  /**
   * Traces what the sensors capture through the pipelines (capture → inference spans, events carrying the
   * trace). Without one nothing is traced.
   */
  tracer?: StageTracer;
  now?: () => number;
}

export interface PerceptionStats {
  camera: CameraStats | null;
  microphone: MicrophoneStats | null;
  face: PipelineStats | null;
  pose: PipelineStats | null;
  speech: ReturnType<SpeechPipeline['stats']> | null;
  speechBatches: AudioBatcherStats | null;
  /** Frames the rate limits let pass by without inference (closed at once). */
  skippedFrames: { face: number; pose: number };
  /** Frames that could not be copied for a model (a camera frame closed under us, say). */
  unreadableFrames: { face: number; pose: number };
}

export type PerceptionUpdate =
  | { kind: 'state'; state: PerceptionState }
  /** An event this perception's own sensors or pipelines just published. */
  | { kind: 'event'; event: SentioEvent };

export interface PerceptionHandle {
  /** Settles once both sensors have tried to start: true for each that runs. */
  readonly started: Promise<{ camera: boolean; microphone: boolean }>;
  state(): PerceptionState;
  stats(): PerceptionStats;
  /** The camera's live track, for a <video> preview (null when the camera is not running). */
  readonly cameraTrack: MediaStreamTrack | null;
  /** `audio.<id>.level` of this perception's microphone. */
  readonly levelTopic: string;
  observe(fn: (u: PerceptionUpdate) => void): () => void;
  stop(): void;
}

/** Everything published through the result also goes to `tap`, after the bus has formed the event. */
function tapBus<M extends Record<string, unknown>>(bus: Bus, tap: (e: SentioEvent) => void): Bus<M> {
  const tapped: Bus = {
    name: bus.name,
    publish(topic: string, payload: unknown, options?: PublishOptions) {
      const e = bus.publish(topic, payload, options);
      tap(e);
      return e;
    },
    publishEvent: (e) => bus.publishEvent(e),
    subscribe: (pattern: string, handler: Handler, options?: SubscribeOptions) =>
      bus.subscribe(pattern, handler, options),
    request: (topic, payload, options) => bus.request(topic, payload, options),
    reply: (request, payload, options) => bus.reply(request, payload, options),
    stats: () => bus.stats(),
    flush: () => bus.flush(),
    // The app's bus outlives any one perception run.
    close: () => {},
  };
  return tapped as Bus<M>;
}

/** Passes `infer` through, reporting each task's first request, its results' backends and its failures. */
function observeInfer(infer: Infer, dispatch: (a: PerceptionAction) => void, now: () => number): Infer {
  return (async (task: Task, input: unknown, options) => {
    dispatch({ type: 'task.requested', task, at: now() });
    try {
      const r = await infer(task, input, options);
      dispatch({ type: 'task.result', task, backend: r.backend, fellBackFrom: r.fellBackFrom, at: now() });
      return r;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // A realtime request replaced by a newer one is how latest-wins works, not a failure.
      if (e.name !== 'InferenceCancelledError')
        dispatch({ type: 'task.failed', task, name: e.name, message: e.message });
      throw err;
    }
  }) as Infer;
}

/**
 * Feeds one camera frame lane to a latest-wins pipeline. The lane's credit goes back at once, so the camera
 * never waits on a model that is still loading (nor takes this consumer for a hung one). The camera's frame is
 * copied to an ImageBitmap and closed at once: camera buffers are few, and the inference worker holds its input
 * until the model has run (seconds while a model warms up) — holding VideoFrames that long starved capture to
 * under one frame a second in the app. The pipeline keeps only the newest copy while its model is busy, closing
 * those it replaces; the worker closes the one it runs. Frames the rate gate turns away are closed at once.
 */
function feedPipeline(
  camera: Camera,
  pipeline: FramePipeline,
  gate: RateGate,
  count: { skipped: () => void; unreadable: () => void },
): { stop(): void } {
  const copyAndFeed = async (frame: CameraFrame, ts: number, trace: TraceContext | undefined) => {
    let copy: ImageBitmap;
    try {
      copy = await createImageBitmap(frame);
    } catch {
      count.unreadable();
      return;
    } finally {
      frame.close();
    }
    // Rejected only once the pipeline is closed: then nobody else will close the copy.
    pipeline
      .push(copy, { ts, privacy: 'local', transfer: true, ...(trace ? { trace } : {}) })
      .catch(() => copy.close());
  };
  const channel = new MessageChannel();
  const link = camera.connect(channel.port1);
  const receiver = createFrameReceiver<CameraFrame>(
    channel.port2,
    (frame, meta) => {
      if (gate.admit()) return void copyAndFeed(frame, meta.ts, meta.trace);
      frame.close();
      count.skipped();
    },
    { release: () => {} },
  );
  return {
    stop() {
      link.disconnect();
      receiver.close();
    },
  };
}

export function startPerception(o: PerceptionOptions): PerceptionHandle {
  const now = o.now ?? (() => performance.now());
  let state = initialPerceptionState();
  let stopped = false;
  const observers = new Set<(u: PerceptionUpdate) => void>();
  const emit = (u: PerceptionUpdate) => {
    for (const fn of observers) fn(u);
  };
  const dispatch = (a: PerceptionAction) => {
    const next = reducePerception(state, a);
    if (next === state) return;
    state = next;
    emit({ kind: 'state', state });
  };

  let camera: Camera | null = null;
  let microphone: Microphone | null = null;
  let speech: SpeechPipeline | null = null;
  const micId = (o.microphone && o.microphone.id) || 'main';
  const chunkTopic = `audio.${micId}.chunk`;
  let speechBatches: AudioBatcher | null = null;
  const sensorKind = (sensor: string): SensorKind | null =>
    sensor === camera?.sensor ? 'camera' : sensor === microphone?.sensor ? 'microphone' : null;

  const onPublished = (e: SentioEvent) => {
    if (stopped) return;
    switch (e.topic) {
      case 'sensor.started': {
        const p = e.payload as { sensor: string; label: string };
        const kind = sensorKind(p.sensor);
        if (kind) dispatch({ type: 'sensor.started', sensor: kind, label: p.label });
        break;
      }
      case 'sensor.error': {
        const p = e.payload as SensorError;
        const kind = sensorKind(p.sensor);
        if (kind) dispatch({ type: 'sensor.error', sensor: kind, reason: p.reason, message: p.message });
        break;
      }
      case 'sensor.recovered': {
        const kind = sensorKind((e.payload as SensorRecovered).sensor);
        if (kind) dispatch({ type: 'sensor.recovered', sensor: kind });
        break;
      }
      case 'sensor.stopped': {
        const p = e.payload as SensorStopped;
        const kind = sensorKind(p.sensor);
        if (kind) dispatch({ type: 'sensor.stopped', sensor: kind, reason: p.reason, message: p.message });
        break;
      }
      default:
        if (speech && e.topic === chunkTopic) {
          const c = e.payload as AudioChunk;
          speechBatches?.push(c.samples, c.ts);
          return; // 31 chunks a second are nobody else's business here
        }
    }
    emit({ kind: 'event', event: e });
  };

  const bus = tapBus<PerceptionEvents>(o.bus, onPublished);
  const traced = o.tracer ? { tracer: o.tracer } : {};
  const routed = (async (task: Task, input: unknown, options) =>
    (o.inferFor?.[task] ?? o.infer)(task, input, options)) as Infer;
  const infer = observeInfer(routed, dispatch, now);
  const unlistenProgress = [o.onProgress ?? []]
    .flat()
    .map((listen) => listen((progress) => dispatch({ type: 'model.progress', progress })));
  const skipped = { face: 0, pose: 0 };
  const unreadable = { face: 0, pose: 0 };
  const counter = (p: 'face' | 'pose') => ({
    skipped: () => void skipped[p]++,
    unreadable: () => void unreadable[p]++,
  });

  let face: FramePipeline | null = null;
  let pose: FramePipeline | null = null;
  const consumers: { stop(): void }[] = [];

  const startCamera = (): Promise<boolean> => {
    if (o.camera === false) return Promise.resolve(false);
    dispatch({ type: 'sensor.starting', sensor: 'camera' });
    try {
      camera = createCamera({
        id: 'front',
        width: 640,
        height: 480,
        frameRate: 15,
        ...o.camera,
        bus,
        ...traced,
      });
    } catch (err) {
      const message = `could not be set up: ${(err as Error).message}`;
      dispatch({ type: 'sensor.error', sensor: 'camera', reason: 'unsupported', message });
      return Promise.resolve(false);
    }
    const cam = camera;
    // Faces are published as soon as they are found; expressions follow (see separateExpression).
    face = createFacePipeline({ bus, infer, separateExpression: true, ...traced });
    const faceGate = createRateGate(o.faceIntervalMs ?? 100, now);
    consumers.push(feedPipeline(cam, face, faceGate, counter('face')));
    if (o.poseIntervalMs !== false) {
      pose = createPosePipeline({ bus, infer, ...traced });
      const poseGate = createRateGate(o.poseIntervalMs ?? 500, now);
      consumers.push(feedPipeline(cam, pose, poseGate, counter('pose')));
    }
    return cam.start();
  };

  const startMicrophone = (): Promise<boolean> => {
    if (o.microphone === false) return Promise.resolve(false);
    dispatch({ type: 'sensor.starting', sensor: 'microphone' });
    try {
      microphone = createMicrophone({ chunkSize: 512, ...o.microphone, id: micId, bus });
    } catch (err) {
      const message = `could not be set up: ${(err as Error).message}`;
      dispatch({ type: 'sensor.error', sensor: 'microphone', reason: 'unsupported', message });
      return Promise.resolve(false);
    }
    // A fresh stream id per run: the worker keeps the VAD's recurrent state per stream.
    const pipeline = (speech = createSpeechPipeline({
      bus,
      infer,
      stream: `${microphone.sensor}.${Date.now()}`,
      transcribe: o.transcribe ?? true,
      ...traced,
    }));
    const mic = microphone.sensor;
    speechBatches = createAudioBatcher(o.speechBatchSamples ?? 4096, (batch, ts) => {
      // A batch's capture: from its first sample to its hand-over to voice activity.
      const captured = o.tracer?.begin('capture', mic, undefined, { startTime: ts });
      captured?.end();
      return pipeline.push(batch, { ts, privacy: 'local', ...(captured ? { trace: captured.trace } : {}) });
    });
    // start() creates its AudioContext before its first await, so this still runs inside the click that
    // called startPerception (browsers let an AudioContext start only there).
    return microphone.start();
  };

  const settle = (p: Promise<boolean>) => p.catch(() => false);
  const started = Promise.all([settle(startCamera()), settle(startMicrophone())]).then(([cam, mic]) => ({
    camera: cam,
    microphone: mic,
  }));

  return {
    started,
    state: () => state,
    stats: () => ({
      camera: camera?.stats() ?? null,
      microphone: microphone?.stats() ?? null,
      face: face?.stats() ?? null,
      pose: pose?.stats() ?? null,
      speech: speech?.stats() ?? null,
      speechBatches: speechBatches?.stats() ?? null,
      skippedFrames: { ...skipped },
      unreadableFrames: { ...unreadable },
    }),
    get cameraTrack() {
      return camera?.track ?? null;
    },
    levelTopic: `audio.${micId}.level`,
    observe(fn) {
      observers.add(fn);
      return () => observers.delete(fn);
    },
    stop() {
      if (stopped) return;
      camera?.stop();
      microphone?.stop();
      // The sensors' own "stopped" events are the last word on their state.
      stopped = true;
      for (const c of consumers) c.stop();
      face?.close();
      pose?.close();
      speech?.close();
      for (const unlisten of unlistenProgress) unlisten();
      observers.clear();
    },
  };
}
