// The store's logic in Node against the real emotion model's files (public/models/, filled by
// scripts/prepare-models.mjs from the model's npm package) and an
// in-memory Cache; the browser's own Cache API, offline loads and quota are covered by e2e/inference-store.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from './errors';
import { modelForTask, parseManifest } from './manifest';
import { createModelStore, type CacheStorageLike, type LoadProgress } from './model-store';

const root = resolve(import.meta.dirname, '../..');
const manifest = parseManifest(JSON.parse(readFileSync(resolve(root, 'models/manifest.json'), 'utf8')));
const entry = modelForTask(manifest, 'facial-expression');
const bytesOf = (path: string) => readFileSync(resolve(root, 'public/models', entry.id, path));

function memoryCaches(opts: { quota?: number } = {}): CacheStorageLike & { size(): number } {
  const store = new Map<string, ArrayBuffer>();
  let used = 0;
  return {
    size: () => store.size,
    async open() {
      return {
        async match(key: string) {
          const b = store.get(key);
          return b ? new Response(b.slice(0)) : undefined;
        },
        async put(key: string, res: Response) {
          const b = await res.arrayBuffer();
          if (opts.quota !== undefined && used + b.byteLength > opts.quota)
            throw new DOMException('Quota exceeded.', 'QuotaExceededError');
          used += b.byteLength;
          store.set(key, b);
        },
        async delete(key: string) {
          return store.delete(key);
        },
      };
    },
  };
}

function server(mutate: (path: string, b: Buffer) => Buffer | null = (_p, b) => b) {
  const hits: string[] = [];
  const f = (async (url: string) => {
    hits.push(url);
    const path = url.replace('/models/emotion-7/', '');
    const body = mutate(path, bytesOf(path));
    return body ? new Response(new Uint8Array(body)) : new Response('not found', { status: 404 });
  }) as unknown as typeof fetch;
  return { fetch: f, hits };
}

// The first Response/Cache use in Node loads undici lazily (seconds on a busy machine).
describe('model store', { timeout: 30_000 }, () => {
  it('loads and verifies every file, reports bytes, then serves the next load from the cache', async () => {
    const caches = memoryCaches();
    const net = server();
    const events: LoadProgress[] = [];
    const store = createModelStore({
      baseUrl: '/models',
      fetch: net.fetch,
      caches,
      onProgress: (p) => events.push(p),
    });
    const first = await store.loadModel(entry);
    expect(first.source).toBe('network');
    expect(first.bytes).toBe(entry.files.reduce((n, f) => n + f.size, 0));
    const last = events.filter((e) => e.status === 'progress').at(-1);
    expect(last).toMatchObject({ loaded: last && 'total' in last ? last.total : -1 });
    const again = await store.loadModel(entry);
    expect(again.source).toBe('cache');
    expect(net.hits).toHaveLength(entry.files.length);
    expect(new Uint8Array(again.files.get('emotion.bin')!)).toEqual(new Uint8Array(bytesOf('emotion.bin')));
  });

  it('a corrupted file is an error naming the model and the file', async () => {
    const net = server((path, b) =>
      path === 'emotion.bin' ? Buffer.from(b.map((x, i) => (i === 1000 ? x ^ 1 : x))) : b,
    );
    const store = createModelStore({ baseUrl: '/models/', fetch: net.fetch, caches: null });
    const err = await store.loadModel(entry).catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ model: 'emotion-7', file: 'emotion.bin' });
    expect(err.message).toMatch(/checksum mismatch/);
  });

  it('a missing or truncated file is named too', async () => {
    const missing = createModelStore({ baseUrl: '/models/', fetch: server(() => null).fetch, caches: null });
    await expect(missing.loadModel(entry)).rejects.toThrow(/model "emotion-7", file "model.json": HTTP 404/);
    const short = createModelStore({
      baseUrl: '/models/',
      fetch: server((_p, b) => b.subarray(0, 100)).fetch,
      caches: null,
    });
    await expect(short.loadModel(entry)).rejects.toThrow(/size 100 bytes, expected/);
  });

  it('a cached copy that no longer verifies is dropped and fetched again', async () => {
    const caches = memoryCaches();
    const net = server();
    const store = createModelStore({ baseUrl: '/models/', fetch: net.fetch, caches });
    await store.loadModel(entry);
    const cache = await caches.open('sentio-models-v1');
    await cache.put('/models/emotion-7/emotion.bin', new Response('garbage'));
    const r = await store.loadModel(entry);
    expect(r.source).toBe('network');
    expect(net.hits.filter((h) => h.endsWith('emotion.bin'))).toHaveLength(2);
  });

  it('a full cache is reported as a quota error and the model still loads', async () => {
    const events: LoadProgress[] = [];
    const store = createModelStore({
      baseUrl: '/models/',
      fetch: server().fetch,
      caches: memoryCaches({ quota: 100_000 }),
      onProgress: (p) => events.push(p),
    });
    const r = await store.loadModel(entry);
    expect(r.files.size).toBe(2);
    const failed = events.find((e) => e.status === 'cache-error');
    expect(failed).toMatchObject({
      model: 'emotion-7',
      file: 'emotion.bin',
      error: { name: 'ModelQuotaError' },
    });
    expect(failed && 'error' in failed && failed.error.message).toMatch(/not enough storage/);
  });

  it('offline with nothing cached names the file it could not get', async () => {
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const store = createModelStore({ baseUrl: '/models/', fetch: offline, caches: memoryCaches() });
    await expect(store.loadModel(entry)).rejects.toThrow(
      /file "model.json": cannot fetch .*offline and not cached/,
    );
  });
});
