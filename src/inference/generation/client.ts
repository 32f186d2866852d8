// The page side of the generation worker: `generate(input, { onToken, signal })` resolves with the result
// once the model has finished, streaming each piece of text as it comes; `stream()` offers the same as an
// async iterator. Errors are rebuilt as their own classes.
import type { Endpoint } from '../../platform/messages';
import { fromGenerationErrorData, GenerationCancelledError } from './errors';
import type { FromGeneration, GenerationStatus, ToGeneration } from './protocol';
import type {
  GenerationInput,
  GenerationOptions,
  GenerationResult,
  LoadedModelInfo,
  LoadOptions,
} from './types';

export interface GenerateCallOptions extends GenerationOptions {
  onToken?: (text: string) => void;
  /** Called when the request leaves the queue and starts generating. */
  onStart?: () => void;
  signal?: AbortSignal;
}

export interface GenerationClient {
  load(model: string, file: Blob, options?: LoadOptions): Promise<LoadedModelInfo>;
  unload(): Promise<void>;
  generate(input: GenerationInput, options?: GenerateCallOptions): Promise<GenerationResult>;
  /** The text as it is generated; the result is the iterator's return value. */
  stream(
    input: GenerationInput,
    options?: Omit<GenerateCallOptions, 'onToken'>,
  ): AsyncGenerator<string, GenerationResult>;
  status(): Promise<GenerationStatus>;
  /** The model loaded now, as of the last load/unload through this client. */
  loaded(): LoadedModelInfo | null;
  close(): void;
}

/** A Worker also reports its own death (a script error at start, a crash), as in ../client.ts. */
interface WorkerLike extends Endpoint<FromGeneration, ToGeneration> {
  terminate?: () => void;
  addEventListener(type: 'message', listener: (e: MessageEvent<FromGeneration>) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
}

interface Pending {
  resolve: (m: FromGeneration) => void;
  reject: (e: Error) => void;
  onToken?: (t: string) => void;
  onStart?: () => void;
}

export function createGenerationClient(endpoint: WorkerLike): GenerationClient {
  let nextId = 1;
  let current: LoadedModelInfo | null = null;
  let dead: Error | null = null;
  const pending = new Map<number, Pending>();

  const onMessage = (e: MessageEvent<FromGeneration>) => {
    const m = e.data;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'token') return p.onToken?.(m.text);
    if (m.type === 'started') return p.onStart?.();
    pending.delete(m.id);
    if (m.type === 'error') p.reject(fromGenerationErrorData(m.error));
    else p.resolve(m);
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.addEventListener('error', (e: ErrorEvent) => {
    dead = new Error(`the generation worker failed: ${e.message || 'its script did not load'}`);
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  });

  function call<T extends FromGeneration['type']>(
    msg: ToGeneration,
    expect: T,
    hooks: Pick<Pending, 'onToken' | 'onStart'> = {},
  ): Promise<Extract<FromGeneration, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      pending.set(msg.id, {
        ...hooks,
        reject,
        resolve: (m) =>
          m.type === expect
            ? resolve(m as Extract<FromGeneration, { type: T }>)
            : reject(new Error(`generation worker answered "${m.type}" to ${msg.type}`)),
      });
      endpoint.postMessage(msg);
    });
  }

  async function generate(
    input: GenerationInput,
    options: GenerateCallOptions = {},
  ): Promise<GenerationResult> {
    const { onToken, onStart, signal, ...rest } = options;
    if (signal?.aborted) throw new GenerationCancelledError('cancelled');
    const id = nextId++;
    const onAbort = () => endpoint.postMessage({ type: 'cancel', id } satisfies ToGeneration);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const hooks = { ...(onToken ? { onToken } : {}), ...(onStart ? { onStart } : {}) };
      return (await call({ type: 'generate', id, input, options: rest }, 'done', hooks)).result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async load(model, file, options = {}) {
      current = null;
      current = (await call({ type: 'load', id: nextId++, model, file, options }, 'loaded')).info;
      return current;
    },
    async unload() {
      current = null;
      await call({ type: 'unload', id: nextId++ }, 'unloaded');
    },
    generate,
    async *stream(input, options = {}) {
      const pieces: string[] = [];
      let wake: (() => void) | null = null;
      let settled = false;
      const run = generate(input, {
        ...options,
        onToken: (t) => {
          pieces.push(t);
          wake?.();
        },
      }).finally(() => {
        settled = true;
        wake?.();
      });
      run.catch(() => {}); // surfaced below, once the pieces before the failure are out
      while (true) {
        while (pieces.length) yield pieces.shift()!;
        if (settled) return await run;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
    async status() {
      return (await call({ type: 'status', id: nextId++ }, 'status')).status;
    },
    loaded: () => current,
    close() {
      endpoint.removeEventListener('message', onMessage);
      for (const p of pending.values()) p.reject(new Error('the generation client was closed'));
      pending.clear();
      endpoint.terminate?.();
    },
  };
}

/** Starts the generation worker of this app and returns its client. */
export function startGenerationWorker(): GenerationClient {
  const worker = new Worker(new URL('../../../workers/generation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'sentio-generation',
  });
  return createGenerationClient(worker);
}
