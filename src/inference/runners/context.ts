// What a task runner gets from the engine, and what it returns.
import type { PixelReader } from '../image';
import type { Task } from '../manifest';
import type { ModelStore } from '../model-store';
import type { Candidates, Loaded, SessionCache } from '../session-cache';
import type { InferOptions, TaskOutputs, Timings } from '../types';

export interface RunnerContext {
  now(): number;
  store: ModelStore;
  pixels: PixelReader;
  sessions: SessionCache;
  candidatesFor(task: Task, opts: InferOptions): Candidates;
}

/** Runs one request; adds its stage times to `t` and returns the session it ran on with the output. */
export type Runner<T extends Task> = (
  input: unknown,
  opts: InferOptions,
  t: Timings,
) => Promise<{ l: Loaded<unknown>; output: TaskOutputs[T] }>;

export const ms = (t0: number, t1: number) => Math.max(0, t1 - t0);
