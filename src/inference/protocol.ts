// The wire format between a page and the inference worker: one tagged map per direction, so a `switch`
// on `type` narrows each message without casts.
import type { ErrorData } from '../platform/error-data';
import type { Task } from './manifest';
import type { LoadProgress } from './model-store';
import type { EngineStats, InferOptions, InferResult } from './types';
import type { Tagged } from '../platform/messages';
import type { PerceiveInit } from './perception-protocol';

export interface ToWorkerMap {
  infer: { id: number; task: Task; input: unknown; options: InferOptions };
  cancel: { id: number };
  'add-model': { id: number; entry: unknown };
  release: { id: number; task?: Task };
  stats: { id: number };
  /** Serve inference on `port` too: another worker (perception's, an agent's) calls this one directly. */
  serve: { port: MessagePort };
  /** Run perception here (perception-protocol.ts): frames in by transfer, results on the bus from this worker. */
  perceive: { init: PerceiveInit };
}

export interface FromWorkerMap {
  result: { id: number; result: InferResult };
  /** A request failed; `error` is rebuilt as the same class on the page. */
  error: { id: number; error: ErrorData };
  'model-added': { id: number; model: string };
  released: { id: number };
  stats: { id: number; stats: EngineStats };
  progress: { progress: LoadProgress };
  'device-lost': { backend: string; reason: string; count: number };
}

export type ToWorker = Tagged<ToWorkerMap>;
export type FromWorker = Tagged<FromWorkerMap>;
