// The wire format of perception running inside an inference worker: what the page hands over to start a run
// (its own hub port, the camera's frame lanes, a port for microphone chunks, ports to other inference workers)
// and what the run reports back on its control port. Frames and samples never come back; the results go on the
// bus from the worker itself, and the page hears only what it shows: task states, its own run's events, stats
// and finished trace stages.
import * as v from 'valibot';
import type { SentioEvent } from '../events/event';
import type { ErrorData } from '../platform/error-data';
import { firstProblem } from '../platform/schema-issue';
import type { Tagged } from '../platform/messages';
import type { StageRecord } from '../telemetry/stage-tracer';
import type { AudioBatcherStats } from './pipelines/audio-batcher';
import type { PipelineStats } from './pipelines/types';
import { TASKS, type Task } from './manifest';
import type { InferResult } from './types';

export interface PerceiveInit {
  /** This run's own port to the bus hub: its events go on the bus from the worker, not through the page. */
  hub: MessagePort;
  /** Bus client name of the run (events' `source`). */
  name: string;
  /** Page ↔ run: ControlToRun one way, RunReport the other. */
  control: MessagePort;
  /**
   * The consumer end of one camera frame lane, and the least ms between frames given to faces and to poses
   * (null: not in this run). One lane per run: a frame crosses to a worker once, whatever it is used for.
   */
  camera: { frames: MessagePort; faceIntervalMs: number | null; poseIntervalMs: number | null } | null;
  /** Microphone chunks (AudioChunkMessage) for voice activity and transcription, or null. */
  speech: {
    chunks: MessagePort;
    /** The microphone's sensor name, for its capture stages. */
    sensor: string;
    /** Names the stream: the VAD keeps its recurrent state per stream. */
    stream: string;
    transcribe: boolean;
    /** Least samples per voice-activity request (audio-batcher.ts). */
    batchSamples: number;
  } | null;
  /** Tasks run by another inference worker: a port that worker serves inference on (its client's `open()`). */
  remotes: Partial<Record<Task, MessagePort>>;
  /** Relay trace stages to the page (RunReport 'stage'). */
  traced: boolean;
}

/** One microphone chunk, its samples' buffer transferred. `ts`: capture time of its first sample (epoch ms). */
export interface AudioChunkMessage {
  samples: Float32Array;
  ts: number;
}

export interface ControlToRunMap {
  stop: object;
  /** The worker serving `task` to this run died: its calls in flight and all later ones fail with `error`. */
  lost: { task: Task; error: ErrorData };
}

/** What the page needs to read a run's pipelines (PerceptionStats has the page's sensors too). */
export interface RunStats {
  face: PipelineStats | null;
  pose: PipelineStats | null;
  speech: (PipelineStats & { segments: number; transcripts: number }) | null;
  speechBatches: AudioBatcherStats | null;
  skippedFrames: { face: number; pose: number };
  unreadableFrames: { face: number; pose: number };
}

/** A task's state changed (first request, a result on a new backend, a failure): the page's reducer takes it. */
export type TaskReport =
  | { type: 'task.requested'; task: Task }
  | { type: 'task.result'; task: Task; backend: string; fellBackFrom: InferResult['fellBackFrom'] }
  | { type: 'task.failed'; task: Task; name: string; message: string };

export interface RunReportMap {
  task: { report: TaskReport };
  /** An event this run published (vision.*, audio.speech.*, audio.transcript, inference.error). */
  event: { event: SentioEvent };
  stats: { stats: RunStats };
  stage: { record: StageRecord };
  /** The run could not start (its hub port refused, say). */
  failed: { error: ErrorData };
  /** Stopped: everything closed, pending transcripts done. The last report. */
  stopped: { stats: RunStats };
}

export type ControlToRun = Tagged<ControlToRunMap>;

const port = v.custom<MessagePort>(
  (x) => typeof MessagePort !== 'undefined' && x instanceof MessagePort,
  'must be a MessagePort (transferred with the message)',
);
const interval = v.nullable(v.pipe(v.number(), v.finite(), v.minValue(0)));
const InitSchema = v.object({
  hub: port,
  name: v.pipe(v.string(), v.nonEmpty()),
  control: port,
  camera: v.nullable(v.object({ frames: port, faceIntervalMs: interval, poseIntervalMs: interval })),
  speech: v.nullable(
    v.object({
      chunks: port,
      sensor: v.string(),
      stream: v.pipe(v.string(), v.nonEmpty()),
      transcribe: v.boolean(),
      batchSamples: v.pipe(v.number(), v.integer(), v.minValue(1)),
    }),
  ),
  remotes: v.record(v.picklist(TASKS), port),
  traced: v.boolean(),
});

/**
 * What is wrong with a `perceive` message's init, as "field: reason", or null when it is whole. A worker checks
 * what crosses into it before it acts on it: a run half-started from a bad init would hold ports and frames.
 */
export function perceiveInitProblem(init: unknown): string | null {
  const r = v.safeParse(InitSchema, init, { abortEarly: true });
  if (r.success) return null;
  const { field, reason } = firstProblem(r.issues, '(init)');
  return `${field}: ${reason}`;
}
export type RunReport = Tagged<RunReportMap>;
