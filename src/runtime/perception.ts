// Live perception: the camera and the microphone of this tab feed the perception pipelines, which run inside
// inference workers (perception-run.ts): camera frames go from the capture loop to the worker by transfer over
// the camera's own frame lanes, never copied on this page; microphone chunks follow over a port. The workers
// publish vision.face, vision.face.expression, vision.pose, vision.gesture, audio.speech.start/.end and
// audio.transcript on the bus through hub ports of their own. Camera and microphone start and fail
// independently; every failure, model warm-up and backend fallback becomes state a person can read
// (perception-state.ts).
//
// The sensors publish through a tap on this page's bus, and the runs report what they published: this module
// sees what *its own* sensors and pipelines said the moment they said it. The bus also carries other tabs'
// sensors under the same topics; their microphone chunks must not be mixed into this tab's speech, nor their
// face boxes drawn over this tab's video.
import type { HubConnection } from '../bus/open-bus';
import { tapPublishes } from '../bus/tap';
import type { Bus } from '../bus/types';
import type { SentioEvent } from '../events/event';
import type { InferenceClient } from '../inference/client';
import { toInferenceErrorData } from '../inference/errors';
import type { Task } from '../inference/manifest';
import type {
  ControlToRun,
  PerceiveInit,
  RunReport,
  RunStats,
  TaskReport,
} from '../inference/perception-protocol';
import type { AudioBatcherStats } from '../inference/pipelines/audio-batcher';
import { PIPELINE_OF, type PerceptionEvents } from '../inference/pipelines/events';
import type { SpeechPipeline } from '../inference/pipelines/speech-pipeline';
import type { PipelineStats } from '../inference/pipelines/types';
import {
  createCamera,
  type Camera,
  type CameraLink,
  type CameraOptions,
  type CameraStats,
} from '../sensors/camera';
import type { AudioChunk, SensorError, SensorRecovered, SensorStopped } from '../sensors/events';
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

export interface PerceptionOptions {
  /** This page's bus: the sensors publish on it. */
  bus: Bus;
  /** The bus hub: each perception run in an inference worker gets a port of its own to it. */
  hub: Pick<HubConnection, 'connect'>;
  /** The inference worker perception runs in: faces, voice activity, and every task not in `inferFor`. */
  inference: InferenceClient;
  /**
   * Tasks other inference workers run. A worker runs one model call at a time and Whisper holds it for seconds
   * per segment: measured in the app under load, face results stopped for the ~45 s the transcripts took, so
   * the boxes went stale. `pose` moves the pose pipeline to that worker (the camera's pose lane goes there);
   * `facial-expression` and `speech-recognition` are called from the run over a direct port to that worker.
   */
  inferFor?: Partial<Record<Task, InferenceClient>>;
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
   * (audio-batcher.ts). One request per 32 ms chunk is 31 model calls a second in the worker that face and
   * pose keep busy: in the app under load that fell ever further behind real time.
   */
  speechBatchSamples?: number;
  /**
   * Traces what the sensors capture through the pipelines (capture → inference spans, events carrying the
   * trace; the workers' stages are recorded here). Without one nothing is traced.
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
  /** Each sensor's state (running, failed or stopped with a reason…), each model task's and model downloads. */
  state(): PerceptionState;
  /**
   * The latest counts. The pipelines' part is the inference worker's report, refreshed every 250 ms while it
   * changes, so an event can arrive before the report that counts it.
   */
  stats(): PerceptionStats;
  /** The camera's live track, for a <video> preview (null when the camera is not running). */
  readonly cameraTrack: MediaStreamTrack | null;
  /** `audio.<id>.level` of this perception's microphone. */
  readonly levelTopic: string;
  /** Calls `fn` on every state change and every event this perception publishes; returns the unsubscribe. */
  observe(fn: (u: PerceptionUpdate) => void): () => void;
  /** Stops the sensors and this perception's runs in the inference worker. */
  stop(): void;
}

/** One perception run in one inference worker, seen from the page. */
interface Run {
  readonly tasks: readonly Task[];
  stats: RunStats | null;
  stop(): void;
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
  const micId = (o.microphone && o.microphone.id) || 'main';
  const chunkTopic = `audio.${micId}.chunk`;
  /** Where this tab's microphone chunks go: the port of the run that hears speech. */
  let chunksTo: MessagePort | null = null;
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
        if (e.topic === chunkTopic) {
          if (!chunksTo) return;
          const c = e.payload as AudioChunk;
          // A copy: the bus may not have sent the chunk to the hub yet, and a transfer would detach it there.
          const samples = c.samples.slice();
          chunksTo.postMessage({ samples, ts: c.ts }, [samples.buffer]);
          return; // 31 chunks a second are nobody else's business here
        }
    }
    emit({ kind: 'event', event: e });
  };
  const bus = tapPublishes<PerceptionEvents>(o.bus, onPublished);

  const clients = new Set([o.inference, ...Object.values(o.inferFor ?? {})]);
  const unlistenProgress = [...clients].map((c) =>
    c.onProgress((progress) => dispatch({ type: 'model.progress', progress })),
  );

  const started: Run[] = [];
  const links: CameraLink[] = [];
  const unlistenCrashes: (() => void)[] = [];

  /** Tasks that ran in a worker that died: failed by name, and on the bus as any inference failure is. */
  const failTasks = (tasks: readonly Task[], error: { name: string; message: string }) => {
    for (const task of tasks) {
      dispatch({ type: 'task.failed', task, name: error.name, message: error.message });
      bus.publish(
        'inference.error',
        { pipeline: PIPELINE_OF[task], task, name: error.name, message: error.message },
        { privacy: 'local' },
      );
    }
  };

  /**
   * Starts a run in `worker` for the parts given; its reports become this handle's state, events and stats.
   * `link`: the camera's end of the run's frame lane, let go if the worker dies (else the camera would wait on
   * a consumer that will never answer, and report it as hung).
   */
  const startRun = (
    worker: InferenceClient,
    tasks: readonly Task[],
    parts: Partial<Pick<PerceiveInit, 'camera' | 'speech'>>,
    link?: CameraLink,
  ): Run => {
    const control = new MessageChannel();
    const post = (m: ControlToRun) => control.port1.postMessage(m);
    const remotes: PerceiveInit['remotes'] = {};
    for (const task of tasks) {
      const other = o.inferFor?.[task];
      if (other && other !== worker) {
        remotes[task] = other.open();
        // The run's calls to that worker would wait forever: it fails them, and later ones, with this error.
        unlistenCrashes.push(
          other.onCrash((error) => {
            if (stopped) return;
            post({ type: 'lost', task, error: toInferenceErrorData(error) });
            failTasks([task], error);
          }),
        );
      }
    }
    const run: Run = {
      tasks,
      stats: null,
      stop: () => post({ type: 'stop' }),
    };
    /**
     * Nothing runs in that worker any more (it died, or refused the run): its inputs let go of it, or the
     * camera would wait on a consumer that never answers and report it hung, and the microphone post chunks
     * to nobody. Every task of the run fails by name, those it called in another worker too: the run was what
     * called them.
     */
    const runIsGone = (error: { name: string; message: string }) => {
      link?.disconnect();
      if (parts.speech && chunksTo) {
        chunksTo.close();
        chunksTo = null;
      }
      failTasks(tasks, error);
    };
    /**
     * A task's first call loads its model, which can hold the run's thread for seconds (pose: a synchronous
     * graph build) so that not even the run's own hold timer can hand the lane's credit back: the camera is
     * told, so that it does not report the run as hung while it warms up.
     */
    const warming = new Set<Task>();
    const warmUp = (r: TaskReport) => {
      if (r.type === 'task.requested') warming.add(r.task);
      else warming.delete(r.task);
      link?.loading(warming.size > 0);
    };
    unlistenCrashes.push(
      worker.onCrash((error) => {
        if (!stopped) runIsGone(error);
      }),
    );
    control.port1.onmessage = (e: MessageEvent<RunReport>) => {
      const m = e.data;
      if (m.type === 'stopped') {
        run.stats = m.stats;
        control.port1.close();
        return;
      }
      if (stopped) return;
      switch (m.type) {
        case 'task':
          warmUp(m.report);
          dispatch(m.report.type === 'task.failed' ? m.report : { ...m.report, at: now() });
          return;
        case 'event':
          emit({ kind: 'event', event: m.event });
          return;
        case 'stats':
          run.stats = m.stats;
          return;
        case 'stage':
          o.tracer?.record(m.record);
          return;
        case 'failed':
          runIsGone(m.error);
          return;
      }
    };
    worker.perceive({
      hub: o.hub.connect(),
      // Unique per run (events' `source`); randomUUID needs a secure context, which an embedding page may not be.
      name: `perception.${Math.random().toString(36).slice(2, 10)}`,
      control: control.port2,
      remotes,
      traced: o.tracer !== undefined,
      camera: parts.camera ?? null,
      speech: parts.speech ?? null,
    });
    started.push(run);
    return run;
  };

  /** A new lane from the camera: `link` stays with the camera, `frames` goes to a run. */
  const lane = (cam: Camera, waiting: 'newest' | 'none' = 'newest') => {
    const { port1, port2 } = new MessageChannel();
    const link = cam.connect(port1, { waiting });
    links.push(link);
    return { frames: port2, link };
  };

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
        ...(o.tracer ? { tracer: o.tracer } : {}),
      });
    } catch (err) {
      const message = `could not be set up: ${(err as Error).message}`;
      dispatch({ type: 'sensor.error', sensor: 'camera', reason: 'unsupported', message });
      return Promise.resolve(false);
    }
    const cam = camera;
    // Faces are published as soon as they are found; expressions follow (camera-pipelines.ts
    // separateExpression), from the worker that runs them.
    const faceIntervalMs = o.faceIntervalMs ?? 100;
    const poseIntervalMs = o.poseIntervalMs === false ? null : (o.poseIntervalMs ?? 500);
    const poseWorker = o.inferFor?.pose ?? o.inference;
    if (poseIntervalMs !== null && poseWorker !== o.inference) {
      const faces = lane(cam);
      startRun(
        o.inference,
        ['face-detection', 'facial-expression'],
        { camera: { frames: faces.frames, faceIntervalMs, poseIntervalMs: null } },
        faces.link,
      );
      // Pose alone is slow enough that a frame kept waiting would hold a camera buffer for its whole call.
      const poses = lane(cam, 'none');
      startRun(
        poseWorker,
        ['pose'],
        { camera: { frames: poses.frames, faceIntervalMs: null, poseIntervalMs } },
        poses.link,
      );
    } else {
      // With pose on this run's thread, a waiting frame would hold a camera buffer through each pose call:
      // measured, capture fell 15 → 11.6 fps. Faces get the next frame after the run is free instead.
      const frames = lane(cam, poseIntervalMs === null ? 'newest' : 'none');
      startRun(
        o.inference,
        ['face-detection', 'facial-expression', 'pose'],
        { camera: { frames: frames.frames, faceIntervalMs, poseIntervalMs } },
        frames.link,
      );
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
    const chunks = new MessageChannel();
    chunksTo = chunks.port1;
    startRun(o.inference, ['voice-activity', 'speech-recognition'], {
      speech: {
        chunks: chunks.port2,
        sensor: microphone.sensor,
        // A fresh stream id per run: the worker keeps the VAD's recurrent state per stream.
        stream: `${microphone.sensor}.${Date.now()}`,
        transcribe: o.transcribe ?? true,
        batchSamples: o.speechBatchSamples ?? 4096,
      },
    });
    // start() creates its AudioContext before its first await, so this still runs inside the click that
    // called startPerception (browsers let an AudioContext start only there).
    return microphone.start();
  };

  const settle = (p: Promise<boolean>) => p.catch(() => false);
  const startedSensors = Promise.all([settle(startCamera()), settle(startMicrophone())]).then(
    ([cam, mic]) => ({ camera: cam, microphone: mic }),
  );

  const stats = (): PerceptionStats => {
    const of = (pick: (s: RunStats) => unknown) =>
      started.map((r) => r.stats && pick(r.stats)).find((x) => x);
    const sum = (pick: (s: RunStats) => { face: number; pose: number }) => {
      const total = { face: 0, pose: 0 };
      for (const r of started) {
        if (!r.stats) continue;
        total.face += pick(r.stats).face;
        total.pose += pick(r.stats).pose;
      }
      return total;
    };
    return {
      camera: camera?.stats() ?? null,
      microphone: microphone?.stats() ?? null,
      face: (of((s) => s.face) as PipelineStats | undefined) ?? null,
      pose: (of((s) => s.pose) as PipelineStats | undefined) ?? null,
      speech: (of((s) => s.speech) as RunStats['speech'] | undefined) ?? null,
      speechBatches: (of((s) => s.speechBatches) as AudioBatcherStats | undefined) ?? null,
      skippedFrames: sum((s) => s.skippedFrames),
      unreadableFrames: sum((s) => s.unreadableFrames),
    };
  };

  return {
    started: startedSensors,
    state: () => state,
    stats,
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
      for (const l of links) l.disconnect();
      for (const r of started) r.stop();
      chunksTo?.close();
      for (const unlisten of [...unlistenProgress, ...unlistenCrashes]) unlisten();
      observers.clear();
    },
  };
}
