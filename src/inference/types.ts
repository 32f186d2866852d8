// What `infer(task, input, options)` takes and returns, shared by the worker and its clients.
import type { ExpressionScores } from './tasks/expression';
import type { Face } from './tasks/blazeface';
import type { SpeechSegment } from './tasks/silero';
import type { PoseLandmark } from './backends/mediapipe';
import type { Attempt } from './backends/registry';
import type { BackendId, Task } from './manifest';
import type { LoadSource } from './model-store';
import type { QueueStats } from './task-queue';

export type Box = Face['box'];

export interface InferOptions {
  /** Backends to try, best first; by default the model's backends in registry priority order. */
  backends?: BackendId[];
  /** A newer realtime request for the same task replaces this one if it has not started (latest wins). */
  realtime?: boolean;
  /** voice-activity: carries the model's recurrent state and framing across calls with the same id. */
  stream?: string;
  /** facial-expression: faces to classify; when omitted, faces are detected first. */
  faces?: Box[];
  /** face-detection: minimum score (default 0.6). */
  minScore?: number;
  /** speech-recognition language (default English). */
  language?: string;
}

export interface TaskOutputs {
  'face-detection': { faces: Face[]; width: number; height: number };
  'facial-expression': {
    faces: (ExpressionScores & { box: Box })[];
    /** When the faces were not given: the detection this call ran first (one transfer of the frame for both). */
    detection: {
      backend: string;
      model: string;
      faces: Face[];
      width: number;
      height: number;
      ms: number;
    } | null;
  };
  'voice-activity': {
    frameMs: number;
    /** Speech probability per 32 ms frame. */
    probabilities: number[];
    /** Sample index (16 kHz, from the stream start) of the first frame's first new sample. */
    firstSample: number;
    /** Whole-clip calls (no `stream`) get the segments the default hysteresis finds. */
    segments: SpeechSegment[] | null;
  };
  /** `tokenConfidences`: Whisper's probability for each token it emitted, in order. */
  'speech-recognition': { text: string; seconds: number; tokenConfidences: number[] };
  pose: { poses: PoseLandmark[][]; width: number; height: number };
}

export interface Timings {
  queueMs: number;
  /** Loading and initialising the model, when this call had to. */
  loadMs: number;
  preprocessMs: number;
  modelMs: number;
  decodeMs: number;
  totalMs: number;
}

export interface InferResult<T extends Task = Task> {
  task: T;
  model: string;
  /** The backend that actually ran the model. */
  backend: string;
  /** Backends tried first and why they could not run it; empty when the first choice ran. */
  fellBackFrom: readonly Attempt[];
  /** WASM threads of that backend (null for backends without a thread pool). */
  threads: number | null;
  /** Set when this call loaded the model: where its files came from. */
  loadedFrom: LoadSource | null;
  output: TaskOutputs[T];
  timings: Timings;
}

export interface EngineStats {
  sessions: { task: Task; backend: string; model: string }[];
  deviceLosses: number;
  queues: Record<string, QueueStats>;
}
