// What a pipeline needs to run: something that infers (the worker client, or anything with its shape), a
// bus to publish on, and a clock.
import type { Bus } from '../../bus/types';
import type { Privacy, TraceContext } from '../../events/event';
import type { StageBeginner } from '../../telemetry/stage-tracer';
import type { Clock } from '../../platform/clock';
import type { InferenceClient } from '../client';
import type { PerceptionEvents } from './events';

export type Infer = InferenceClient['infer'];

export interface PipelineOptions {
  bus: Bus<PerceptionEvents>;
  infer: Infer;
  clock?: Pick<Clock, 'now'>;
  /**
   * Runs each model call as an `inference` stage span continuing the input's trace (InputMeta.trace); what
   * the pipeline publishes carries that span's context.
   */
  tracer?: StageBeginner;
}

/** What came with an input: when it was captured and its privacy label (camera and mic data is 'local'). */
export interface InputMeta {
  ts?: number;
  privacy?: Privacy;
  /**
   * Hand the frame over to the inference worker instead of copying it (a camera VideoFrame the caller will
   * not use again). The caller must not touch or close it afterwards; a frame replaced before it ran is
   * closed by the pipeline.
   */
  transfer?: boolean;
  /** The input's trace (a camera frame's capture span), continued by the inference stage. */
  trace?: TraceContext;
}

export interface PipelineStats {
  /** Inputs accepted. */
  received: number;
  /** Inputs fully processed. */
  processed: number;
  /** Realtime inputs replaced by a newer one before they ran (latest wins). */
  superseded: number;
  /** Inputs whose processing failed (each run of the same failure is one `inference.error` event). */
  failed: number;
}
