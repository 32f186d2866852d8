// Local text generation in the runtime: the models the user brought (src/inference/generation/library.ts),
// the generation worker — started only once a model is stored or added, so a runtime without one never
// loads llama.cpp — and the router's local `chat` on it. Adding or removing a model changes what the router
// can answer on the device at once; at start the newest stored model is loaded from its stored copy (so it
// works offline).
import {
  startGenerationWorker,
  type GenerateCallOptions,
  type GenerationClient,
} from '../inference/generation/client';
import type { AddCommon, LocalModel, ModelLibrary } from '../inference/generation/library';
import type { GenerationInput, GenerationResult, LoadedModelInfo } from '../inference/generation/types';
import type { EgressGate } from '../privacy/egress-gate';
import type { ConsentStore } from '../privacy/consent';
import { createLocalChat, type LocalChatOptions } from '../router/local-chat';
import type { LocalInference } from '../router/router';
import { SentioOptionsError } from './errors';

/** Options of local text generation; the worker starts only once a model is stored or added. */
export interface GenerationOptions {
  /** Load the newest stored model at start (default true): the router's `chat` then answers on the device. */
  restore?: boolean;
  /** WASM threads the model runs on. Default: half the cores when cross-origin isolated, else 1. */
  threads?: number;
  /** Tokens a local chat answer may have. Default 128. */
  maxTokens?: number;
}

/** Names a bad `generation` option of createSentio. */
export function checkGenerationOptions(g: unknown): asserts g is GenerationOptions {
  if (typeof g !== 'object' || g === null || Array.isArray(g))
    throw new SentioOptionsError('generation', 'must be an object');
  const { restore, threads, maxTokens } = g as Record<string, unknown>;
  if (restore !== undefined && typeof restore !== 'boolean')
    throw new SentioOptionsError('generation.restore', 'must be true or false');
  for (const [k, v] of [
    ['threads', threads],
    ['maxTokens', maxTokens],
  ] as const)
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v > 0))
      throw new SentioOptionsError(`generation.${k}`, 'must be a positive whole number');
}

export interface LocalGenerationOptions {
  /** The egress gate model downloads go through (asked for at the first download). */
  gate: () => EgressGate;
  /** Where download consent is granted (asked for at `allowDownloadsFrom`). */
  consent: () => ConsentStore;
  /** Starts the generation worker; the runtime's own worker by default. */
  startWorker?: () => GenerationClient;
  /** The Cache API to store models in; the page's by default. */
  caches?: CacheStorage;
  /** WASM threads the model runs on (default: the engine's choice). */
  threads?: number;
  /** The router's local chat: tokens per answer, the latency assumed before the first one. */
  chat?: LocalChatOptions;
}

/** `sentio.generation`: the user's local text models and the generation worker running them. */
export interface LocalGeneration {
  /** The stored models, newest last. */
  list(): Promise<LocalModel[]>;
  /** Downloads (needs `allowDownloadsFrom` first), checks, stores and loads a model. */
  addFromUrl(url: string, sha256: string, options?: AddCommon): Promise<LocalModel>;
  /** Checks, stores and loads a model from a file the user picked. */
  addFromFile(file: Blob, options?: AddCommon & { filename?: string; sha256?: string }): Promise<LocalModel>;
  /** Removes a stored model; unloads it when it is the one loaded. */
  remove(id: string): Promise<boolean>;
  /** Grants the consent a download from the host of `url` needs (what the user's "Add" click means). */
  allowDownloadsFrom(url: string): Promise<void>;
  /** Loads the newest stored model, starting the worker; resolves null (no worker) when none is stored. */
  restore(): Promise<LoadedModelInfo | null>;
  /** The model loaded now, or null. */
  loaded(): LoadedModelInfo | null;
  /** Runs the loaded model directly (the router's `chat` does this with a decision). */
  generate(input: GenerationInput, options?: GenerateCallOptions): Promise<GenerationResult>;
  /** The router's local side for `chat`: supports it while a model is loaded. */
  readonly chat: LocalInference;
  /** The generation worker's client, or null before a model was stored. */
  client(): GenerationClient | null;
  /** Stops the worker (the stored models stay). */
  close(): void;
}

export function createLocalGeneration(o: LocalGenerationOptions): LocalGeneration {
  // The model library (streamed SHA-256, the GGUF reader) loads on first use: a page that never stores a model
  // never fetches it, and the embed's entry script stays within its size budget.
  const libraryModule = () => import('../inference/generation/library');
  let library: Promise<ModelLibrary> | null = null;
  const lib = () =>
    (library ??= libraryModule().then((m) =>
      m.createModelLibrary({ gate: o.gate(), ...(o.caches ? { caches: o.caches } : {}) }),
    ));
  let worker: GenerationClient | null = null;
  const client = () => (worker ??= (o.startWorker ?? startGenerationWorker)());
  // One load at a time: a later add wins, and `generate` waits for the load in progress.
  let loading: Promise<LoadedModelInfo | null> = Promise.resolve(null);

  const load = (id: string) => {
    const next = loading
      .catch(() => null)
      .then(async () => {
        const { file } = await (await lib()).open(id);
        return client().load(id, file, o.threads !== undefined ? { threads: o.threads } : {});
      });
    loading = next;
    return next;
  };

  const chat = createLocalChat(
    {
      loaded: () => worker?.loaded() ?? null,
      generate: (input, options) => generate(input, options),
    },
    o.chat,
  );

  async function generate(input: GenerationInput, options?: GenerateCallOptions) {
    await loading.catch(() => null);
    return client().generate(input, options);
  }

  return {
    list: async () => (await lib()).list(),
    async addFromUrl(url, sha256, options) {
      const model = await (await lib()).addFromUrl(url, sha256, options);
      await load(model.id);
      return model;
    },
    async addFromFile(file, options) {
      const model = await (await lib()).addFromFile(file, options);
      await load(model.id);
      return model;
    },
    async remove(id) {
      const removed = await (await lib()).remove(id);
      if (removed && worker?.loaded()?.model === id) await worker.unload();
      return removed;
    },
    async allowDownloadsFrom(url) {
      const { MODEL_DOWNLOAD_CAPABILITY, modelHostEndpoint } = await libraryModule();
      await o.consent().grant({ capability: MODEL_DOWNLOAD_CAPABILITY, endpoint: modelHostEndpoint(url) });
    },
    async restore() {
      // No Cache API (an insecure context): nothing can have been stored.
      if (!o.caches && typeof caches === 'undefined') return null;
      const models = await (await lib()).list();
      const newest = models.at(-1);
      return newest ? load(newest.id) : null;
    },
    loaded: () => worker?.loaded() ?? null,
    generate,
    chat,
    client: () => worker,
    close() {
      worker?.close();
      worker = null;
    },
  };
}
