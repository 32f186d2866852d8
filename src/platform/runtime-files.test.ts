import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrossOriginAssetError, fetchSameOrigin } from '../privacy/egress-gate';
import { baseOfWorkerScript, runtimeFiles } from './runtime-files';

const built = 'https://app.example/assets/assets/inference.worker-Ab12.js'; // moved by a consumer's bundler

describe('runtimeFiles', () => {
  it('maps a built worker script to the same file name under <base>assets/', () => {
    const f = runtimeFiles(new URL('https://cdn.example/sentio'), new URL('https://app.example/'));
    expect(f.base.href).toBe('https://cdn.example/sentio/');
    expect(f.script(built).href).toBe('https://cdn.example/sentio/assets/inference.worker-Ab12.js');
    expect(f.file('models/emotion-7/').href).toBe('https://cdn.example/sentio/models/emotion-7/');
    expect(f.file('/runtime/ort/').href).toBe('https://cdn.example/sentio/runtime/ort/');
  });

  it('without a base, leaves the built URL as the build wrote it', () => {
    const f = runtimeFiles(undefined, new URL('https://app.example/'));
    expect(f.script(built).href).toBe(built);
    expect(f.base.href).toBe('https://app.example/');
  });

  it('a worker started from <base>assets/ finds <base> again', () => {
    expect(baseOfWorkerScript('https://cdn.example/sentio/assets/inference.worker-Ab12.js').href).toBe(
      'https://cdn.example/sentio/',
    );
    // The dev server serves workers from /workers/: the app's base.
    expect(baseOfWorkerScript('http://127.0.0.1:5173/workers/inference.worker.ts?worker_file').href).toBe(
      'http://127.0.0.1:5173/',
    );
  });
});

describe('fetchSameOrigin with the runtime folder', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses another origin outside the runtime folder, and does not refuse files under it', async () => {
    vi.stubGlobal('location', new URL('http://127.0.0.1:9/page.html'));
    const folder = 'http://127.0.0.1:1/sentio/models/';
    await expect(fetchSameOrigin('http://127.0.0.1:1/elsewhere/x.bin', {}, folder)).rejects.toBeInstanceOf(
      CrossOriginAssetError,
    );
    await expect(fetchSameOrigin('http://127.0.0.1:1/sentio/models/x.bin')).rejects.toBeInstanceOf(
      CrossOriginAssetError,
    );
    // Allowed: it reaches the network (port 1 refuses the connection), not the gate.
    const err = await fetchSameOrigin(`${folder}x.bin`, {}, folder).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
  });
});
