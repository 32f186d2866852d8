import { describe, expect, it } from 'vitest';
import { describeWarmup, OfflineListError, parseOfflineList, warmOfflineCaches } from './offline-warmup';

describe('saving for offline use', () => {
  it('fetches only what the caches lack, once each, and names a file that failed without retrying it', async () => {
    const cached = new Set(['/models/a/model.onnx']);
    const fetched: string[] = [];
    const seen: string[] = [];
    const result = await warmOfflineCaches(
      [
        { path: 'models/a/model.onnx', bytes: 5e6 },
        { path: 'runtime/ort/ort.wasm', bytes: 10e6 },
        { path: 'runtime/broken.wasm', bytes: 1e6 },
      ],
      {
        has: async (p) => cached.has(p),
        fetchFile: async (p) => {
          fetched.push(p);
          if (p.includes('broken')) throw new Error('answered 404');
          cached.add(p);
        },
        onProgress: (p) => seen.push(describeWarmup(p)),
      },
    );
    expect(fetched).toEqual(['/runtime/ort/ort.wasm', '/runtime/broken.wasm']);
    expect(result).toEqual({
      fetched: 1,
      failed: [{ path: '/runtime/broken.wasm', reason: 'answered 404' }],
    });
    expect(seen.at(0)).toBe('Saving the models for offline use: 0 of 3 files (0 MB of 16 MB)…');
    expect(seen.at(-1)).toBe('Saving the models for offline use: 3 of 3 files (16 MB of 16 MB)…');
  });

  it('leaves a file to whoever is loading it when asked to', async () => {
    const fetched: string[] = [];
    await warmOfflineCaches(
      [
        { path: 'models/whisper/decoder.onnx', bytes: 1 },
        { path: 'models/vad/model.onnx', bytes: 1 },
      ],
      {
        has: async () => false,
        fetchFile: async (p) => void fetched.push(p),
        onProgress: () => {},
        before: async (p) => p.includes('whisper'),
      },
    );
    expect(fetched).toEqual(['/models/vad/model.onnx']);
  });

  it('says when a fetched file did not end up in the cache', async () => {
    const r = await warmOfflineCaches([{ path: 'runtime/x.wasm', bytes: 1 }], {
      has: async () => false,
      fetchFile: async () => {},
      onProgress: () => {},
    });
    expect(r.failed).toEqual([{ path: '/runtime/x.wasm', reason: 'fetched, but not stored in the cache' }]);
  });

  it('refuses a list that names anything but models and runtimes, saying which entry', () => {
    expect(parseOfflineList({ files: [{ path: 'models/a/b.onnx', bytes: 3 }] })).toEqual([
      { path: 'models/a/b.onnx', bytes: 3 },
    ]);
    expect(() => parseOfflineList({})).toThrow(OfflineListError);
    expect(() => parseOfflineList({ files: [{ path: 'models/../../etc', bytes: 1 }] })).toThrow(/files\[0\]/);
    expect(() => parseOfflineList({ files: [{ path: 'index.html', bytes: 1 }] })).toThrow(/models\/…/);
  });
});
