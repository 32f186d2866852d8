// The events the perception pipelines publish: topic → payload. Small, structured-cloneable, and each says
// which backend produced it.
import type { Box } from '../types';
import type { Expression } from '../tasks/expression';
import type { Gesture } from '../tasks/gestures';
import type { PoseLandmark } from '../backends/mediapipe';
import type { Face } from '../tasks/blazeface';
import type { InferResult, Timings } from '../types';
import type { Task } from '../manifest';

export interface Produced {
  backend: string;
  model: string;
  timings: Timings;
}

export type PerceptionEvents = {
  'vision.face': { frame: number; width: number; height: number; faces: Face[] } & Produced;
  'vision.face.expression': {
    frame: number;
    faces: { box: Box; expression: Expression; score: number; scores: Record<Expression, number> }[];
  } & Produced;
  /** `at`: seconds from the audio stream's start. */
  'audio.speech.start': { stream: string; segment: number; at: number; backend: string };
  'audio.speech.end': { stream: string; segment: number; start: number; end: number; backend: string };
  'audio.transcript': {
    stream: string;
    segment: number;
    text: string;
    start: number;
    end: number;
  } & Produced;
  'vision.pose': { frame: number; width: number; height: number; poses: PoseLandmark[][] } & Produced;
  'vision.gesture': { frame: number } & Gesture;
  /**
   * A pipeline stage failed on an input; the pipeline goes on with the next. The first of a run of the same
   * failure of a task is published, its repeats are counted in the pipeline's stats (error-events.ts).
   */
  'inference.error': { pipeline: string; task: Task; name: string; message: string };
};

/** The pipeline each task runs in, as `inference.error` (and the pipeline's trace stage) names it. */
export const PIPELINE_OF: Readonly<Record<Task, string>> = {
  'face-detection': 'face',
  'facial-expression': 'expression',
  pose: 'pose',
  'voice-activity': 'speech',
  'speech-recognition': 'speech',
};

export function produced(r: InferResult): Produced {
  return { backend: r.backend, model: r.model, timings: r.timings };
}
