// The inference layer's platform paths and bad paths: WebGPU vs WASM, no WebGPU, no cross-origin
// isolation, a corrupted model, offline loads from the cache, a full quota, a user-supplied model,
// latest-wins and cancellation. Real models, real photos.
import { chromium, expect, test, type Page } from '@playwright/test';
import { AUTO_GRANT_MEDIA_ARG, BASE_ARGS, chromiumPath, FAKE_MEDIA_ARGS } from './fixtures/chromium';
import { serveMedia } from './fixtures/serve-media';

test.describe.configure({ mode: 'serial' });
// Several tests answer requests from a route handler (route.fetch, then fulfill). A request the page still has
// in flight when a test ends (a model or worker file the app asked for late) would fail that test after the
// fact with "Fetch response has been disposed" once the context closes: unroute first, ignoring those.
test.afterEach(({ context }) => context.unrouteAll({ behavior: 'ignoreErrors' }));

async function openApp(page: Page) {
  await serveMedia(page);
  await page.goto('/');
  await page.waitForFunction(() => typeof window.sentio?.infer === 'function');
}

test('with --enable-unsafe-webgpu the WebGPU path runs and matches WASM', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  const r = await page.evaluate(async () => {
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    const gpu = await window
      .sentio!.inference()
      .infer('face-detection', blob, { backends: ['onnxruntime-webgpu'] });
    const wasm = await window
      .sentio!.inference()
      .infer('face-detection', blob, { backends: ['onnxruntime-wasm'] });
    return { gpu, wasm };
  });
  expect(r.gpu.backend).toBe('onnxruntime-webgpu');
  expect(r.gpu.fellBackFrom).toEqual([]);
  expect(r.wasm.backend).toBe('onnxruntime-wasm');
  expect(r.gpu.output.faces).toHaveLength(r.wasm.output.faces.length);
  const [g, w] = [r.gpu.output.faces[0]!, r.wasm.output.faces[0]!];
  expect(Math.abs(g.score - w.score)).toBeLessThan(1e-3);
  for (const k of ['x', 'y', 'width', 'height'] as const)
    expect(Math.abs(g.box[k] - w.box[k])).toBeLessThan(0.5);
  g.keypoints.forEach((p, i) => {
    expect(Math.abs(p.x - w.keypoints[i]!.x)).toBeLessThan(0.5);
    expect(Math.abs(p.y - w.keypoints[i]!.y)).toBeLessThan(0.5);
  });
});

test('without --enable-unsafe-webgpu WASM runs and the result says WebGPU was tried and why it failed', async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...BASE_ARGS, ...FAKE_MEDIA_ARGS, AUTO_GRANT_MEDIA_ARG],
  });
  try {
    const page = await browser.newPage({ baseURL: test.info().project.use.baseURL });
    await openApp(page);
    const r = await page.evaluate(async () => {
      const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
      const asked = await window.sentio!.inference().infer('face-detection', blob, {
        backends: ['onnxruntime-webgpu', 'onnxruntime-wasm'],
      });
      const only = await window
        .sentio!.inference()
        .infer('face-detection', blob, {
          backends: ['onnxruntime-webgpu'],
        })
        .catch((e: Error) => ({ name: e.name, message: e.message }));
      return { asked, only };
    });
    expect(r.asked.backend).toBe('onnxruntime-wasm');
    expect(r.asked.output.faces).toHaveLength(1);
    expect(r.asked.fellBackFrom).toEqual([
      {
        backend: 'onnxruntime-webgpu',
        reason: expect.stringMatching(/requestAdapter\(\) returned null|navigator\.gpu/),
      },
    ]);
    expect(r.only).toMatchObject({
      name: 'BackendUnavailableError',
      message: expect.stringContaining('onnxruntime-webgpu'),
    });
  } finally {
    await browser.close();
  }
});

test('without COOP/COEP the single-threaded WASM path works', async ({ page }) => {
  // Strip the isolation headers from everything the app serves, workers included.
  await page.context().route('**/*', async (route) => {
    if (new URL(route.request().url()).pathname.startsWith('/__media/')) return route.fallback();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await openApp(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const r = await page.evaluate(async () => {
    const blob = (f: string) => fetch(`/__media/${f}`).then((x) => x.blob());
    const face = await window.sentio!.inference().infer('face-detection', await blob('face-640x480.jpg'));
    const vad = await window.sentio!.inference().infer('voice-activity', await blob('goforward.wav'));
    return { face, vad };
  });
  expect(r.face.backend).toBe('onnxruntime-wasm');
  expect(r.face.threads).toBe(1);
  expect(r.face.output.faces).toHaveLength(1);
  expect(r.vad.threads).toBe(1);
  expect(r.vad.output.segments).toHaveLength(1);
});

test('a corrupted model file is an error naming the model and file; the other models keep working', async ({
  page,
}) => {
  await page.context().route('**/models/blazeface-front-128/model.onnx', async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    const mid = body.length >> 1;
    body[mid] = body[mid]! ^ 0xff;
    await route.fulfill({ response, body });
  });
  await openApp(page);
  const r = await page.evaluate(async () => {
    const blob = (f: string) => fetch(`/__media/${f}`).then((x) => x.blob());
    const face = await window
      .sentio!.inference()
      .infer('face-detection', await blob('face-640x480.jpg'))
      .then(() => null)
      .catch((e: Error & { model?: string; file?: string }) => ({
        name: e.name,
        model: e.model,
        file: e.file,
        message: e.message,
      }));
    const vad = await window.sentio!.inference().infer('voice-activity', await blob('goforward.wav'));
    const pose = await window.sentio!.inference().infer('pose', await blob('face-640x480.jpg'));
    return { face, vad: vad.output.segments!.length, pose: pose.output.poses.length };
  });
  expect(r.face).toMatchObject({ name: 'ModelLoadError', model: 'blazeface-front-128', file: 'model.onnx' });
  expect(r.face!.message).toMatch(/checksum mismatch/);
  expect(r.vad).toBe(1);
  expect(r.pose).toBe(1);
});

test('after going offline a model loads again from the cache; one never loaded is named as missing', async ({
  page,
  context,
}) => {
  await openApp(page);
  const first = await page.evaluate(async () => {
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    return window.sentio!.inference().infer('face-detection', blob);
  });
  expect(first.loadedFrom).toBe('network');
  await context.setOffline(true);
  // Belt and braces: nothing under /models/ may reach the server now, from the page or its workers.
  const modelRequests: string[] = [];
  await context.route('**/models/**', (route) => {
    modelRequests.push(new URL(route.request().url()).pathname);
    return route.abort('internetdisconnected');
  });
  const r = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(640, 480);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#888';
    ctx.fillRect(0, 0, 640, 480);
    const bmp = await createImageBitmap(canvas);
    await window.sentio!.inference().release('face-detection');
    const again = await window.sentio!.inference().infer('face-detection', bmp);
    // Same runtime (onnxruntime-web is up), a model never loaded: nothing to load it from.
    const vad = await window
      .sentio!.inference()
      .infer('voice-activity', new Float32Array(16000), {
        backends: ['onnxruntime-wasm'],
      })
      .then(() => null)
      .catch((e: Error & { model?: string; file?: string }) => ({
        name: e.name,
        model: e.model,
        file: e.file,
        message: e.message,
      }));
    return {
      again: { loadedFrom: again.loadedFrom, backend: again.backend, faces: again.output.faces.length },
      vad,
    };
  });
  expect(r.again).toEqual({ loadedFrom: 'cache', backend: 'onnxruntime-wasm', faces: 0 });
  expect(r.vad).toMatchObject({
    name: 'ModelLoadError',
    model: 'silero-vad-v5',
    file: 'model.onnx',
  });
  expect(r.vad!.message).toMatch(/offline and not cached/);
  // The face model never asked the network: only the uncached VAD model tried.
  expect(modelRequests).toEqual(['/models/silero-vad-v5/model.onnx']);
});

test('a full storage quota is reported as ModelQuotaError and the model still runs', async ({ page }) => {
  await openApp(page);
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 100_000 });
  const r = await page.evaluate(async () => {
    const events: { status: string; error?: { name: string; message: string } }[] = [];
    window.sentio!.inference().onProgress((p) => events.push(p as never));
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    const face = await window.sentio!.inference().infer('face-detection', blob);
    return { faces: face.output.faces.length, errors: events.filter((e) => e.status === 'cache-error') };
  });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  expect(r.faces).toBe(1);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]!.error).toMatchObject({
    name: 'ModelQuotaError',
    message: expect.stringContaining('not enough storage'),
  });
});

test('a user-supplied model is loaded by URL and checksum; a wrong checksum is refused by name', async ({
  page,
}) => {
  await openApp(page);
  const r = await page.evaluate(async () => {
    const url = '/models/blazeface-front-128/model.onnx';
    const bytes = await fetch(url).then((x) => x.arrayBuffer());
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    const entry = (sha: string) => ({
      id: 'user-face',
      task: 'face-detection',
      version: '1',
      source: { url },
      format: 'onnx',
      licence: 'Apache-2.0',
      backends: ['onnxruntime-wasm'],
      files: [{ path: 'model.onnx', url, size: bytes.byteLength, sha256: sha }],
    });
    const client = window.sentio!.inference();
    const image = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    const bad = await client.addModel({ ...entry(sha256), files: [] }).catch((e: Error) => e.message);
    await client.addModel(entry('0'.repeat(64)));
    const wrong = await window
      .sentio!.inference()
      .infer('face-detection', image)
      .catch((e: Error) => `${e.name}: ${e.message}`);
    await client.addModel(entry(sha256));
    const ok = await window.sentio!.inference().infer('face-detection', image);
    return { bad, wrong, ok: { model: ok.model, faces: ok.output.faces.length } };
  });
  expect(r.bad).toMatch(/invalid model manifest: files: files must list at least one file/);
  expect(r.wrong).toMatch(/^ModelLoadError: model "user-face", file "model.onnx": .*checksum mismatch/);
  expect(r.ok).toEqual({ model: 'user-face', faces: 1 });
});

test('realtime requests are latest-wins, and a request can be cancelled', async ({ page }) => {
  await openApp(page);
  const r = await page.evaluate(async () => {
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    await window.sentio!.inference().infer('face-detection', blob);
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: Error & { reason?: string }) => `${e.name}:${e.reason}`,
      );
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        outcome(window.sentio!.inference().infer('face-detection', blob, { realtime: true })),
      ),
    );
    const ctl = new AbortController();
    const first = outcome(window.sentio!.inference().infer('face-detection', blob));
    const cancelled = outcome(
      window.sentio!.inference().infer('face-detection', blob, { signal: ctl.signal }),
    );
    ctl.abort();
    return { burst, first: await first, cancelled: await cancelled };
  });
  // The first runs, the last wins, the ones in between were replaced before they ran.
  expect(r.burst[0]).toBe('ok');
  expect(r.burst.at(-1)).toBe('ok');
  expect(r.burst.filter((x) => x === 'InferenceCancelledError:superseded').length).toBeGreaterThan(0);
  expect(r.first).toBe('ok');
  expect(r.cancelled).toBe('InferenceCancelledError:cancelled');
});

test('a worker that dies rejects the requests in flight with a named error instead of hanging', async ({
  page,
}) => {
  await page.context().route(/\/assets\/inference\.worker-[^/]+\.js$/, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: "throw new Error('the inference worker crashed at start');",
      headers: { 'cross-origin-embedder-policy': 'require-corp' },
    }),
  );
  await openApp(page);
  const r = await page.evaluate(async () => {
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    const first = await outcome(window.sentio!.inference().infer('voice-activity', new Float32Array(16000)));
    const next = await outcome(window.sentio!.inference().infer('voice-activity', new Float32Array(16000)));
    return { first, next };
  });
  expect(r.first).toMatch(/^InferenceWorkerError: the inference worker failed: .*crashed at start/);
  expect(r.next).toBe(r.first);
});
