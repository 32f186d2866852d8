// The models the user brings: added by URL with their sha256 (downloaded through the egress gate as a
// consented GET to that host, hashed and stored as the bytes stream by, never held whole in memory) or from
// a local file; stored once (keyed by sha256) in the Cache API; listed with size and licence; removable.
// Once stored, a model opens offline.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { EgressGate } from '../../privacy/egress-gate';
import { ModelChecksumError, ModelDownloadError, ModelNotFoundError, ModelStorageQuotaError } from './errors';
import { readGgufHeader } from './gguf';
import { isQuotaError } from '../../storage/quota-error';

export interface LocalModel {
  id: string;
  name: string;
  sha256: string;
  bytes: number;
  /** As the user declared it, else the model's own `general.license`; null when neither says. */
  licence: string | null;
  source: { kind: 'url'; url: string } | { kind: 'file'; filename: string };
  architecture: string | null;
  contextLength: number | null;
  addedAt: number;
}

export interface AddCommon {
  /** Short id to refer to it (default: the file name without .gguf). */
  id?: string;
  licence?: string;
  onProgress?: (p: { loaded: number; total: number | null }) => void;
  signal?: AbortSignal;
}

export interface ModelLibrary {
  addFromUrl(url: string, sha256: string, options?: AddCommon): Promise<LocalModel>;
  addFromFile(file: Blob, options?: AddCommon & { filename?: string; sha256?: string }): Promise<LocalModel>;
  list(): Promise<LocalModel[]>;
  /** The stored file (a Blob the browser keeps on disk). */
  open(id: string): Promise<{ model: LocalModel; file: Blob }>;
  remove(id: string): Promise<boolean>;
}

/** The consent a download needs: capability `model.download` at endpoint `model-host:<host>`. */
export const MODEL_DOWNLOAD_CAPABILITY = 'model.download';
export const modelHostEndpoint = (url: string) => `model-host:${new URL(url).host}`;

const CACHE = 'sentio-local-models-v1';
// Cache keys are URLs; these are never fetched, they only name the entries.
const INDEX_KEY = '/__sentio/local-models/index.json';
const fileKey = (sha: string) => `/__sentio/local-models/${sha}.gguf`;
const HEX64 = /^[0-9a-f]{64}$/;

/** Passes the bytes through, hashing and counting them on the way. */
function hashing(onChunk: (loaded: number) => void) {
  const hash = sha256.create();
  let loaded = 0;
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      loaded += chunk.byteLength;
      onChunk(loaded);
      controller.enqueue(chunk);
    },
  });
  return { stream, digest: () => bytesToHex(hash.digest()), loaded: () => loaded };
}

export function createModelLibrary(deps: {
  gate: EgressGate;
  caches?: CacheStorage;
  now?: () => number;
}): ModelLibrary {
  const storage = deps.caches ?? caches;
  const now = deps.now ?? Date.now;
  const cache = () => storage.open(CACHE);

  async function readIndex(c: Cache): Promise<LocalModel[]> {
    const r = await c.match(INDEX_KEY);
    return r ? ((await r.json()) as LocalModel[]) : [];
  }
  const writeIndex = (c: Cache, models: LocalModel[]) =>
    c.put(
      INDEX_KEY,
      new Response(JSON.stringify(models), { headers: { 'content-type': 'application/json' } }),
    );

  async function checkQuota(id: string, bytes: number | null) {
    if (bytes === null || !navigator.storage?.estimate) return;
    const { quota, usage } = await navigator.storage.estimate();
    if (quota === undefined || usage === undefined) return;
    if (bytes > quota - usage) throw new ModelStorageQuotaError(id, bytes, quota - usage);
  }

  /** Stores `body` under its sha256, checks it, and lists it; any failure leaves nothing behind. */
  async function store(
    id: string,
    body: ReadableStream<Uint8Array>,
    total: number | null,
    expected: string | null,
    describe: (bytes: number) => Pick<LocalModel, 'source' | 'licence'>,
    onProgress: AddCommon['onProgress'],
  ): Promise<LocalModel> {
    const c = await cache();
    const h = hashing((loaded) => onProgress?.({ loaded, total }));
    // Until the checksum is known the bytes sit under a name of their own, so a failed add never touches a
    // model already stored.
    const partial = `/__sentio/local-models/partial-${crypto.randomUUID()}`;
    try {
      await c.put(partial, new Response(body.pipeThrough(h.stream)));
    } catch (err) {
      await c.delete(partial);
      if (isQuotaError(err)) throw new ModelStorageQuotaError(id, total ?? h.loaded(), null);
      throw err;
    }
    try {
      if (total !== null && h.loaded() !== total) {
        throw new ModelDownloadError(
          id,
          `the transfer was cut short: ${h.loaded()} of ${total} bytes arrived`,
        );
      }
      const actual = h.digest();
      if (expected !== null && actual !== expected) throw new ModelChecksumError(id, expected, actual);
      const stored = (await c.match(partial))!;
      const header = await readGgufHeader(await stored.clone().blob(), id);
      const index = await readIndex(c);
      const model: LocalModel = {
        id,
        name: header.name ?? id,
        sha256: actual,
        bytes: h.loaded(),
        architecture: header.architecture,
        contextLength: header.contextLength,
        addedAt: now(),
        ...describe(h.loaded()),
      };
      if (model.licence === null) model.licence = header.license;
      await c.put(fileKey(actual), stored);
      await writeIndex(c, [...index.filter((m) => m.id !== id), model]);
      return model;
    } catch (err) {
      if (isQuotaError(err)) throw new ModelStorageQuotaError(id, h.loaded(), null);
      throw err;
    } finally {
      await c.delete(partial);
    }
  }

  async function already(id: string, sha: string): Promise<LocalModel | null> {
    const c = await cache();
    const found = (await readIndex(c)).find((m) => m.sha256 === sha);
    if (!found || !(await c.match(fileKey(sha)))) return null;
    if (found.id === id) return found;
    const copy = { ...found, id };
    await writeIndex(c, [...(await readIndex(c)).filter((m) => m.id !== id), copy]);
    return copy;
  }

  const defaultId = (name: string) =>
    name
      .split('/')
      .pop()!
      .replace(/\.gguf$/i, '') || 'model';

  return {
    async addFromUrl(url, expectedSha, options = {}) {
      const target = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
      const id = options.id ?? defaultId(target.pathname);
      const expected = expectedSha.toLowerCase();
      if (!HEX64.test(expected)) {
        throw new TypeError(`model "${id}": sha256 must be 64 hexadecimal characters, got "${expectedSha}"`);
      }
      const have = await already(id, expected);
      if (have) return have;
      // A model file carries no user data: public, and still only with the user's consent for that host.
      const response = await deps.gate.send({
        target: { id: modelHostEndpoint(target.href), baseUrl: target.origin, clearance: 'public' },
        capability: MODEL_DOWNLOAD_CAPABILITY,
        what: 'model.download',
        path: target.pathname + target.search,
        method: 'GET',
        body: { kind: 'none' },
        privacy: 'public',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!response.ok || !response.body) {
        throw new ModelDownloadError(id, `${target.href} answered HTTP ${response.status}`);
      }
      const length = response.headers.get('content-length');
      const total =
        length !== null && response.headers.get('content-encoding') === null ? Number(length) : null;
      await checkQuota(id, total);
      return store(
        id,
        response.body,
        total,
        expected,
        () => ({ source: { kind: 'url', url: target.href }, licence: options.licence ?? null }),
        options.onProgress,
      );
    },
    async addFromFile(file, options = {}) {
      const filename = options.filename ?? (file instanceof File ? file.name : 'model.gguf');
      const id = options.id ?? defaultId(filename);
      // Refuse a non-GGUF file before copying a byte of it.
      await readGgufHeader(file, id);
      await checkQuota(id, file.size);
      return store(
        id,
        file.stream(),
        file.size,
        options.sha256?.toLowerCase() ?? null,
        () => ({ source: { kind: 'file', filename }, licence: options.licence ?? null }),
        options.onProgress,
      );
    },
    async list() {
      // Listing must not create the cache: a visit that never added a model leaves no trace in storage.
      if (!(await storage.has(CACHE))) return [];
      return readIndex(await cache());
    },
    async open(id) {
      const c = await cache();
      const model = (await readIndex(c)).find((m) => m.id === id);
      const r = model ? await c.match(fileKey(model.sha256)) : undefined;
      if (!model || !r) throw new ModelNotFoundError(id);
      return { model, file: await r.blob() };
    },
    async remove(id) {
      const c = await cache();
      const index = await readIndex(c);
      const model = index.find((m) => m.id === id);
      if (!model) return false;
      const rest = index.filter((m) => m.id !== id);
      await writeIndex(c, rest);
      // The same bytes may be listed under another id: the file goes with its last name.
      if (!rest.some((m) => m.sha256 === model.sha256)) await c.delete(fileKey(model.sha256));
      return true;
    },
  };
}
