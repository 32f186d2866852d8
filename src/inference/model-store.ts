// Loads model files for the backends: from the offline cache when it holds a verified copy, otherwise from
// the served folder (or a user-supplied URL), checking size and sha256 before anything runs. Progress is
// reported in bytes; a full cache is reported as a ModelQuotaError and the model still loads this time.
// Nothing here knows about model hubs: a file's URL is either ours or one the user gave with its checksum.
import type { ErrorData } from '../platform/error-data';
import { ModelLoadError, ModelQuotaError, toInferenceErrorData } from './errors';
import type { ModelEntry, ModelFile } from './manifest';
import { fetchSameOrigin } from '../privacy/egress-gate';
import { isQuotaError } from '../storage/quota-error';

export type LoadSource = 'cache' | 'network';

/** The lifecycle of one file, transformers.js-style: initiate → progress* → done, or cache-error on the way. */
export type LoadProgress =
  | { status: 'initiate'; model: string; file: string; total: number }
  | { status: 'progress'; model: string; file: string; loaded: number; total: number }
  | { status: 'cache-error'; model: string; file: string; error: ErrorData }
  | { status: 'done'; model: string; file: string; source: LoadSource; total: number };

export interface LoadedModel {
  model: string;
  files: ReadonlyMap<string, ArrayBuffer>;
  /** 'cache' only when every file came from the cache. */
  source: LoadSource;
  bytes: number;
  ms: number;
}

/** The slice of the Cache API the store uses (a real CacheStorage in browsers and workers). */
export interface CacheStorageLike {
  open(name: string): Promise<{
    match(key: string): Promise<Response | undefined>;
    put(key: string, response: Response): Promise<void>;
    delete(key: string): Promise<boolean>;
  }>;
}

export interface ModelStoreOptions {
  /** Where public/models/ is served, e.g. "/models/". */
  baseUrl: string;
  /**
   * How files are fetched. By default only this app's origin is reachable (fetchSameOrigin): a
   * user-supplied model on another origin needs a fetch that goes through the privacy egress gate.
   */
  fetch?: (url: string) => Promise<Response>;
  caches?: CacheStorageLike | null;
  cacheName?: string;
  onProgress?: (p: LoadProgress) => void;
  now?: () => number;
}

export interface ModelStore {
  loadModel(entry: ModelEntry): Promise<LoadedModel>;
  loadFile(entry: ModelEntry, file: ModelFile): Promise<{ bytes: ArrayBuffer; source: LoadSource }>;
  /** The URL a file is fetched from, which is also its cache key. */
  urlOf(entry: ModelEntry, file: ModelFile): string;
  /** Drops a model's cached files (a corrupted cache, or the user freeing space). */
  evict(entry: ModelEntry): Promise<void>;
}

export const MODEL_CACHE = 'sentio-models-v1';

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A full cache as the shared test sees it, or an engine that names the quota only in its message. */
function isCacheQuotaError(err: unknown): boolean {
  return isQuotaError(err) || (err instanceof Error && /quota/i.test(err.message));
}

export function createModelStore(options: ModelStoreOptions): ModelStore {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const doFetch = options.fetch ?? ((url: string) => fetchSameOrigin(url, undefined, base));
  const cacheName = options.cacheName ?? MODEL_CACHE;
  const storage = options.caches === undefined ? globalThis.caches : options.caches;
  const now = options.now ?? (() => performance.now());
  const emit = options.onProgress ?? (() => {});

  const urlOf = (entry: ModelEntry, file: ModelFile) => file.url ?? `${base}${entry.id}/${file.path}`;

  async function verify(entry: ModelEntry, file: ModelFile, bytes: ArrayBuffer, where: string) {
    if (bytes.byteLength !== file.size)
      throw new ModelLoadError(
        entry.id,
        file.path,
        `${where}: size ${bytes.byteLength} bytes, expected ${file.size} (truncated or wrong file)`,
      );
    const actual = await sha256Hex(bytes);
    if (actual !== file.sha256)
      throw new ModelLoadError(
        entry.id,
        file.path,
        `${where}: checksum mismatch, expected sha256 ${file.sha256}, got ${actual} (corrupted or wrong file)`,
      );
  }

  async function readBody(entry: ModelEntry, file: ModelFile, res: Response): Promise<ArrayBuffer> {
    if (!res.body) return res.arrayBuffer();
    const out = new Uint8Array(file.size);
    let loaded = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > file.size) {
        await reader.cancel();
        throw new ModelLoadError(
          entry.id,
          file.path,
          `server sent more than the expected ${file.size} bytes`,
        );
      }
      out.set(value, loaded);
      loaded += value.byteLength;
      emit({ status: 'progress', model: entry.id, file: file.path, loaded, total: file.size });
    }
    return out.buffer.slice(0, loaded);
  }

  async function fromCache(entry: ModelEntry, file: ModelFile, key: string): Promise<ArrayBuffer | null> {
    if (!storage) return null;
    const cache = await storage.open(cacheName);
    const hit = await cache.match(key);
    if (!hit) return null;
    const bytes = await hit.arrayBuffer();
    try {
      await verify(entry, file, bytes, 'cached copy');
      return bytes;
    } catch {
      // A cached copy that no longer verifies is dropped and fetched again rather than trusted.
      await cache.delete(key);
      return null;
    }
  }

  async function toCache(entry: ModelEntry, file: ModelFile, key: string, bytes: ArrayBuffer) {
    if (!storage) return;
    try {
      const cache = await storage.open(cacheName);
      await cache.put(key, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
    } catch (err) {
      const error = isCacheQuotaError(err)
        ? new ModelQuotaError(entry.id, file.path, file.size)
        : new ModelLoadError(entry.id, file.path, `could not be cached for offline use: ${String(err)}`);
      emit({ status: 'cache-error', model: entry.id, file: file.path, error: toInferenceErrorData(error) });
    }
  }

  async function loadFile(entry: ModelEntry, file: ModelFile) {
    const key = urlOf(entry, file);
    emit({ status: 'initiate', model: entry.id, file: file.path, total: file.size });
    const cached = await fromCache(entry, file, key);
    if (cached) {
      emit({ status: 'done', model: entry.id, file: file.path, source: 'cache', total: file.size });
      return { bytes: cached, source: 'cache' as const };
    }
    let res: Response;
    try {
      res = await doFetch(key);
    } catch (err) {
      throw new ModelLoadError(
        entry.id,
        file.path,
        `cannot fetch ${key} (offline and not cached?): ${String(err)}`,
      );
    }
    if (!res.ok)
      throw new ModelLoadError(entry.id, file.path, `HTTP ${res.status} for ${key} (missing file?)`);
    const bytes = await readBody(entry, file, res);
    await verify(entry, file, bytes, `download from ${key}`);
    await toCache(entry, file, key, bytes);
    emit({ status: 'done', model: entry.id, file: file.path, source: 'network', total: file.size });
    return { bytes, source: 'network' as const };
  }

  return {
    urlOf,
    loadFile,
    async loadModel(entry) {
      const t0 = now();
      const files = new Map<string, ArrayBuffer>();
      let allCached = true;
      let bytes = 0;
      for (const file of entry.files) {
        const r = await loadFile(entry, file);
        files.set(file.path, r.bytes);
        bytes += r.bytes.byteLength;
        allCached &&= r.source === 'cache';
      }
      return { model: entry.id, files, source: allCached ? 'cache' : 'network', bytes, ms: now() - t0 };
    },
    async evict(entry) {
      if (!storage) return;
      const cache = await storage.open(cacheName);
      await Promise.all(entry.files.map((f) => cache.delete(urlOf(entry, f))));
    },
  };
}
