// The page side of the inference worker: `infer(task, input, options)` returning the typed result, with
// cancellation by AbortSignal, errors rebuilt as their own classes, and load progress as a callback.
// The same API is `sentio.inference()` (the app's `window.sentio`).
import inferenceWorkerScript from '../../workers/inference.worker.ts?worker&url';
import { builtRuntimeFiles, type RuntimeFiles } from '../platform/runtime-files';
import { fromInferenceErrorData, InferenceCancelledError, InferenceWorkerError } from './errors';
import type { Task } from './manifest';
import type { LoadProgress } from './model-store';
import type { Endpoint } from '../platform/messages';
import type { FromWorker, ToWorker } from './protocol';
import type { PerceiveInit } from './perception-protocol';
import type { EngineStats, InferOptions, InferResult } from './types';

export interface ClientInferOptions extends InferOptions {
  signal?: AbortSignal;
  /** Transfer the input (ImageBitmap, VideoFrame, the audio's buffer) instead of copying it. */
  transfer?: boolean;
}

export interface InferenceClient {
  infer<T extends Task>(task: T, input: unknown, options?: ClientInferOptions): Promise<InferResult<T>>;
  addModel(entry: unknown): Promise<string>;
  release(task?: Task): Promise<void>;
  stats(): Promise<EngineStats>;
  onProgress(fn: (p: LoadProgress) => void): () => void;
  onDeviceLost(fn: (info: { backend: string; reason: string; count: number }) => void): () => void;
  /**
   * Called once when the worker dies (an uncaught error in it, or its script failed to load): every request in
   * flight is rejected with the same error, and so is every later one. Called at once if it is dead already.
   */
  onCrash(fn: (error: InferenceWorkerError) => void): () => void;
  /**
   * Tells the client its worker is dead when the client cannot see it itself: a client on a port (`open()`)
   * gets no error event when the worker behind the port dies, and its requests would wait forever. Everything
   * then goes as on a crash (above).
   */
  fail(error: InferenceWorkerError): void;
  /**
   * A new port this worker serves inference on, to hand to another worker (transfer it) so that worker calls
   * this one directly instead of through the page. `createInferenceClient(port)` there is its client.
   */
  open(): MessagePort;
  /** Starts a perception run in this worker (perception-protocol.ts); every port in `init` is transferred. */
  perceive(init: PerceiveInit): void;
  close(): void;
}

type Pending = { resolve: (m: FromWorker) => void; reject: (e: Error) => void };

/** A Worker also reports its own death (a script error at start, a crash). */
interface WorkerLike extends Endpoint<FromWorker, ToWorker> {
  terminate?: () => void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
}

export function createInferenceClient(endpoint: WorkerLike): InferenceClient {
  let nextId = 1;
  let dead: InferenceWorkerError | null = null;
  const pending = new Map<number, Pending>();
  const progress = new Set<(p: LoadProgress) => void>();
  const lost = new Set<(i: { backend: string; reason: string; count: number }) => void>();
  const crashed = new Set<(e: InferenceWorkerError) => void>();

  const onMessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    switch (m.type) {
      case 'progress':
        for (const fn of progress) fn(m.progress);
        return;
      case 'device-lost':
        for (const fn of lost) fn(m);
        return;
      case 'error': {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.reject(fromInferenceErrorData(m.error));
        return;
      }
      default: {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.resolve(m);
      }
    }
  };
  endpoint.addEventListener('message', onMessage);
  // An uncaught error in the worker kills every request in flight: reject them rather than hang forever.
  const die = (error: InferenceWorkerError) => {
    if (dead) return;
    dead = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    endpoint.terminate?.();
    for (const fn of crashed) fn(error);
    crashed.clear();
  };
  endpoint.addEventListener('error', (e: ErrorEvent) =>
    die(new InferenceWorkerError(e.message || 'the worker script failed to load or crashed')),
  );

  function call(msg: Extract<ToWorker, { id: number }>, transfer: Transferable[] = []): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      pending.set(msg.id, { resolve, reject });
      endpoint.postMessage(msg, transfer);
    });
  }

  return {
    async infer(task, input, options = {}) {
      const { signal, transfer, ...rest } = options;
      if (signal?.aborted) throw new InferenceCancelledError(task, 'cancelled');
      const id = nextId++;
      const transfers: Transferable[] = [];
      // Structured clone copies a typed array's whole backing buffer, not just its view: a 4096-sample
      // subarray of a recording would post the recording. Copy the view's samples alone instead.
      if (!transfer && input instanceof Float32Array && input.byteLength !== input.buffer.byteLength)
        input = input.slice();
      if (transfer) {
        if (input instanceof Float32Array) transfers.push(input.buffer as ArrayBuffer);
        else if (
          (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) ||
          (typeof VideoFrame !== 'undefined' && input instanceof VideoFrame)
        )
          transfers.push(input as Transferable);
      }
      const onAbort = () => {
        endpoint.postMessage({ type: 'cancel', id } satisfies ToWorker);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const m = await call({ type: 'infer', id, task, input, options: rest }, transfers);
        if (m.type !== 'result') throw new Error(`inference worker answered "${m.type}" to infer`);
        return m.result as InferResult<typeof task>;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async addModel(entry) {
      const m = await call({ type: 'add-model', id: nextId++, entry });
      if (m.type !== 'model-added') throw new Error(`inference worker answered "${m.type}" to add-model`);
      return m.model;
    },
    async release(task) {
      await call({ type: 'release', id: nextId++, task });
    },
    async stats() {
      const m = await call({ type: 'stats', id: nextId++ });
      if (m.type !== 'stats') throw new Error(`inference worker answered "${m.type}" to stats`);
      return m.stats;
    },
    onProgress(fn) {
      progress.add(fn);
      return () => progress.delete(fn);
    },
    onDeviceLost(fn) {
      lost.add(fn);
      return () => lost.delete(fn);
    },
    onCrash(fn) {
      if (dead) {
        fn(dead);
        return () => false;
      }
      crashed.add(fn);
      return () => crashed.delete(fn);
    },
    fail: die,
    open() {
      const { port1, port2 } = new MessageChannel();
      endpoint.postMessage({ type: 'serve', port: port2 } satisfies ToWorker, [port2]);
      return port1;
    },
    perceive(init) {
      const ports: Transferable[] = [init.hub, init.control, ...Object.values(init.remotes)];
      if (init.camera) ports.push(init.camera.frames);
      if (init.speech) ports.push(init.speech.chunks);
      endpoint.postMessage({ type: 'perceive', init } satisfies ToWorker, ports);
    },
    close() {
      endpoint.removeEventListener('message', onMessage);
      for (const p of pending.values()) p.reject(new Error('the inference client was closed'));
      pending.clear();
      crashed.clear();
      endpoint.terminate?.();
    },
  };
}

/**
 * Starts an inference worker from `files` (default: where the build put it) and returns its client. `name` is
 * the worker's (`self.name`, and how DevTools lists it): it tells several inference workers apart.
 */
export function startInferenceWorker(files?: RuntimeFiles, name = 'sentio-inference'): InferenceClient {
  const f = files ?? builtRuntimeFiles();
  const { worker } = f.worker(f.script(inferenceWorkerScript), name);
  return createInferenceClient(worker);
}
