// Perception inside an inference worker (one run per `perceive` message): camera frames arrive here by
// transfer over the camera's own frame lanes, microphone chunks over a port, and the pipelines call this
// worker's engine directly — no page hop, no copy on the page. Results go on the bus through this run's own
// hub port; the page hears only what it shows (task states, this run's events, stats, finished stages).
//
// Latest wins in one place: the camera's lane. A lane's credit goes back when the frame has been through its
// pipeline, so the next frame is sent only to a run that is free to take it, and the newest frame waits in the
// lane's slot on the page meanwhile. A frame sent to a busy worker would wait in its message queue behind a
// model call that holds the thread (pose: 0.2–1.3 s), holding a camera buffer all that time: measured with
// credits returned at once, capture fell from 15 to 6–9 fps. The frame is copied here (off the page) and closed
// at once, so only the lane's one waiting frame holds a camera buffer. A credit held longer than `holdMs` (a
// model still loading) goes back anyway and the pipeline's slot keeps the newest copy, so the camera never
// takes a loading model for a hung consumer.
import { connectBus, type ConnectedBus } from '../bus/hub-client';
import { tapPublishes } from '../bus/tap';
import type { SentioEvent } from '../events/event';
import { systemClock, type Clock } from '../platform/clock';
import { toErrorData, type ErrorData } from '../platform/error-data';
import { fromInferenceErrorData, InferenceInputError, InferenceWorkerError } from './errors';
import type { Endpoint } from '../platform/messages';
import { releaseFrame } from '../platform/release-frame';
import { createFrameReceiver, type FrameMeta } from '../sensors/frame-lane';
import { createStageRelay } from '../telemetry/stage-relay';
import { createInferenceClient, type InferenceClient } from './client';
import type { InferenceEngine } from './engine';
import type { Task } from './manifest';
import {
  perceiveInitProblem,
  type AudioChunkMessage,
  type ControlToRun,
  type PerceiveInit,
  type RunReport,
  type RunStats,
  type TaskReport,
} from './perception-protocol';
import { createFailureMemory } from './pipelines/error-events';
import { createAudioBatcher, type AudioBatcher } from './pipelines/audio-batcher';
import { createFacePipeline, createPosePipeline, type FramePipeline } from './pipelines/camera-pipelines';
import type { PerceptionEvents } from './pipelines/events';
import { createSpeechPipeline, type SpeechPipeline } from './pipelines/speech-pipeline';
import { createRateGate, type RateGate } from './pipelines/rate-gate';
import type { Infer } from './pipelines/types';

export interface PerceptionRunOptions {
  /** Rate gates and the stats cadence. Default: the system clock. */
  clock?: Clock;
  /** How often stats go to the page while they change. Default 250 ms. */
  statsEveryMs?: number;
  /** Longest a lane's credit waits for its frame's pipeline before going back. Default 2000 ms. */
  holdMs?: number;
}

type Frame = VideoFrame | ImageBitmap;

/**
 * This engine, called in place. Ids count down from -1 so they never meet the ids a page's client picks
 * (the engine cancels by id). A transferred input is ours once the model has read it, as in worker-host.ts.
 */
function engineInfer(engine: Promise<InferenceEngine>): Infer {
  let nextId = -1;
  return (async (task: Task, input: unknown, options = {}) => {
    const { signal, transfer, ...rest } = options;
    const eng = await engine;
    const id = nextId--;
    const onAbort = () => eng.cancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await eng.infer(id, task, input, rest);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (transfer) releaseFrame(input);
    }
  }) as Infer;
}

/**
 * Reports a task's first request, a result on a backend not reported yet, and failures (not cancellations).
 * A failure that repeats on every input (a dead worker, a model that cannot load) is reported once, not as a
 * request and a failure per frame, until the task succeeds or fails differently.
 */
export function reportingTasks(infer: Infer, report: (r: TaskReport) => void): Infer {
  const requested = new Set<Task>();
  const onBackend = new Map<Task, string>();
  const failures = createFailureMemory();
  return (async (task: Task, input: unknown, options) => {
    if (!requested.has(task)) {
      requested.add(task);
      if (!failures.failing(task)) report({ type: 'task.requested', task });
    }
    try {
      const r = await infer(task, input, options);
      failures.succeeded(task);
      const key = `${r.backend}|${r.fellBackFrom.length}`;
      if (onBackend.get(task) !== key) {
        onBackend.set(task, key);
        report({ type: 'task.result', task, backend: r.backend, fellBackFrom: r.fellBackFrom });
      }
      return r;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // A realtime request replaced by a newer one is how latest-wins works, not a failure.
      if (e.name !== 'InferenceCancelledError') {
        requested.delete(task);
        onBackend.delete(task);
        if (failures.isNew(task, e)) report({ type: 'task.failed', task, name: e.name, message: e.message });
      }
      throw err;
    }
  }) as Infer;
}

/** The ports a refused init brought along (one level down too): closed, so nothing waits on them. */
function closePorts(x: unknown, depth = 0): void {
  if (x instanceof MessagePort) return x.close();
  if (depth < 2 && x && typeof x === 'object') for (const y of Object.values(x)) closePorts(y, depth + 1);
}

/** The page only ever sends a worker's crash as 'lost'; anything else that arrives is still a lost worker. */
function workerErrorOf(data: ErrorData): InferenceWorkerError {
  const error = fromInferenceErrorData(data);
  return error instanceof InferenceWorkerError ? error : new InferenceWorkerError(error.message);
}

export function runPerception(
  init: PerceiveInit,
  engine: Promise<InferenceEngine>,
  options: PerceptionRunOptions = {},
): void {
  const problem = perceiveInitProblem(init);
  if (problem) {
    const error = new InferenceInputError('perceive', problem);
    const control = (init as { control?: unknown } | null)?.control;
    if (control instanceof MessagePort)
      control.postMessage({ type: 'failed', error: toErrorData(error) } satisfies RunReport);
    // Without a control port there is nobody to tell but the console.
    else console.error(`inference worker: ${error.message}`);
    closePorts(init);
    return;
  }
  const clock = options.clock ?? systemClock;
  const control = init.control as unknown as Endpoint<ControlToRun, RunReport>;
  let stopped = false;
  const report = (m: RunReport) => {
    if (!stopped || m.type === 'stopped') control.postMessage(m);
  };

  let hubBus: ConnectedBus;
  try {
    hubBus = connectBus({ port: init.hub, name: init.name });
  } catch (err) {
    report({ type: 'failed', error: toErrorData(err) });
    control.start?.();
    return;
  }
  const bus = tapPublishes<PerceptionEvents>(hubBus, (event: SentioEvent) =>
    report({ type: 'event', event }),
  );
  const tracer = init.traced ? createStageRelay((record) => report({ type: 'stage', record })) : undefined;
  const traced = tracer ? { tracer } : {};

  // A port to a dead worker answers nothing; the page sees the death and says so ('lost').
  const remotes = new Map<Task, InferenceClient>();
  const remotePorts = Object.values(init.remotes);
  for (const [task, port] of Object.entries(init.remotes) as [Task, MessagePort][]) {
    remotes.set(task, createInferenceClient(port as never));
    port.start();
  }
  const here = engineInfer(engine);
  const routed = (async (task: Task, input: unknown, opts) =>
    (remotes.get(task)?.infer ?? here)(task, input, opts)) as Infer;
  const infer = reportingTasks(routed, (report_) => report({ type: 'task', report: report_ }));

  const skipped = { face: 0, pose: 0 };
  const unreadable = { face: 0, pose: 0 };
  const gateOf = (ms: number) => createRateGate(ms, () => clock.now());

  const face =
    init.camera?.faceIntervalMs != null
      ? createFacePipeline({ bus, infer, separateExpression: true, ...traced })
      : null;
  const pose = init.camera?.poseIntervalMs != null ? createPosePipeline({ bus, infer, ...traced }) : null;
  const takers: { pipeline: FramePipeline; gate: RateGate; which: 'face' | 'pose' }[] = [];
  if (face) takers.push({ pipeline: face, gate: gateOf(init.camera!.faceIntervalMs!), which: 'face' });
  if (pose) takers.push({ pipeline: pose, gate: gateOf(init.camera!.poseIntervalMs!), which: 'pose' });

  /** One copy of the frame per pipeline that takes it, made here (off the page); the frame is closed at once. */
  const copyAndFeed = async (frame: Frame, meta: FrameMeta, to: typeof takers): Promise<void> => {
    const copies = await Promise.allSettled(to.map(() => createImageBitmap(frame)));
    frame.close();
    const fed = copies.map((c, i) => {
      const { pipeline, which } = to[i]!;
      if (c.status === 'rejected') return void unreadable[which]++;
      const copy = c.value;
      // Rejected only once the pipeline is closed: then nobody else will close the copy.
      return pipeline
        .push(copy, {
          ts: meta.ts,
          privacy: 'local',
          transfer: true,
          ...(meta.trace ? { trace: meta.trace } : {}),
        })
        .catch(() => copy.close());
    });
    await Promise.all(fed);
  };
  /** Settles when the frame has been through its pipelines, or after holdMs, whichever is first. */
  const held = (work: Promise<void>) =>
    new Promise<void>((settle) => {
      const timer = clock.setTimeout(settle, options.holdMs ?? 2000);
      void work.finally(() => {
        clock.clearTimeout(timer);
        settle();
      });
    });
  const receiver = init.camera
    ? createFrameReceiver<Frame>(
        init.camera.frames,
        (frame, meta) => {
          const to = stopped ? [] : takers.filter((t) => t.gate.admit());
          for (const t of takers) if (!to.includes(t)) skipped[t.which]++;
          if (to.length > 0) return held(copyAndFeed(frame, meta, to));
          frame.close();
        },
        { release: () => {} },
      )
    : null;

  let speech: SpeechPipeline | null = null;
  let batches: AudioBatcher | null = null;
  const chunks = init.speech?.chunks;
  if (init.speech && chunks) {
    const { sensor, stream, transcribe, batchSamples } = init.speech;
    const pipeline = (speech = createSpeechPipeline({ bus, infer, stream, transcribe, ...traced }));
    batches = createAudioBatcher(batchSamples, (batch, ts) => {
      // A batch's capture: from its first sample to its hand-over to voice activity.
      const captured = tracer?.begin('capture', sensor, undefined, { startTime: ts });
      captured?.end();
      return pipeline.push(batch, { ts, privacy: 'local', ...(captured ? { trace: captured.trace } : {}) });
    });
    const b = batches;
    chunks.onmessage = (e: MessageEvent<AudioChunkMessage>) => {
      if (!stopped && e.data.samples instanceof Float32Array) b.push(e.data.samples, e.data.ts);
    };
  }

  const stats = (): RunStats => ({
    face: face?.stats() ?? null,
    pose: pose?.stats() ?? null,
    speech: speech?.stats() ?? null,
    speechBatches: batches?.stats() ?? null,
    skippedFrames: { ...skipped },
    unreadableFrames: { ...unreadable },
  });
  // Stats go to the page while they change, a few times a second: the page reads them synchronously
  // (PerceptionHandle.stats) and a message per frame would be the main-thread cost this run exists to remove.
  let lastStats = '';
  let timer: unknown = null;
  const sendStats = () => {
    timer = null;
    if (stopped) return;
    const s = stats();
    const key = JSON.stringify(s);
    if (key !== lastStats) {
      lastStats = key;
      report({ type: 'stats', stats: s });
    }
    timer = clock.setTimeout(sendStats, options.statsEveryMs ?? 250);
  };
  sendStats();

  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer !== null) clock.clearTimeout(timer);
    receiver?.close();
    if (chunks) {
      chunks.onmessage = null;
      chunks.close();
    }
    face?.close();
    pose?.close();
    speech?.close();
    // The other workers stop serving this run. Not client.close(): that would reject a call still in flight,
    // and its pipeline would put an inference.error on the bus for a run already stopped; such a call is
    // dropped with the run instead.
    for (const port of remotePorts) port.close();
    report({ type: 'stopped', stats: stats() });
    // What the pipelines published last is on its way to the hub before this run's port goes.
    void hubBus.flush().finally(() => {
      hubBus.close();
      control.close?.();
    });
  };
  control.addEventListener('message', (e: MessageEvent<ControlToRun>) => {
    const m = e.data;
    if (m?.type === 'stop') stop();
    else if (m?.type === 'lost') remotes.get(m.task)?.fail(workerErrorOf(m.error));
  });
  control.start?.();
}
