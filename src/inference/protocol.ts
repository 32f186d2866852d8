// The wire format between a page and the inference worker: one tagged map per direction, so a `switch`
// on `type` narrows each message without casts.
import type { ErrorData } from './errors';
import type { Task } from './manifest';
import type { LoadProgress } from './model-store';
import type { EngineStats, InferOptions, InferResult } from './types';

export interface ToWorkerMap {
  infer: { id: number; task: Task; input: unknown; options: InferOptions };
  cancel: { id: number };
  'add-model': { id: number; entry: unknown };
  release: { id: number; task?: Task };
  stats: { id: number };
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

export type ToWorker = { [K in keyof ToWorkerMap]: { type: K } & ToWorkerMap[K] }[keyof ToWorkerMap];
export type FromWorker = { [K in keyof FromWorkerMap]: { type: K } & FromWorkerMap[K] }[keyof FromWorkerMap];

/** What both a Worker and the worker's global scope offer (comlink's Endpoint, trimmed). */
export interface Endpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}
