// Offline for real: one online visit with the camera and microphone on, then the browser goes offline and
// the reloaded app runs face detection, voice activity and Whisper from the service worker's caches, with
// "Ready to work offline." said only once the caches hold what this device loaded.
import { expect, test, type Page } from '@playwright/test';

async function watchInferenceErrors(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(async () => {
    const w = window as unknown as { inferenceErrors: string[] };
    w.inferenceErrors = [];
    await window.sentio!.bus.subscribe(
      'inference.error',
      (e) => void w.inferenceErrors.push(JSON.stringify(e)),
    ).ready;
  });
  return () => page.evaluate(() => (window as unknown as { inferenceErrors: string[] }).inferenceErrors);
}

/** Starts the sensors and waits for a face event, a speech segment and the first sentence's transcript. */
async function runPerception(page: Page): Promise<void> {
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  const errors = await watchInferenceErrors(page);
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toContainText('Camera: on');
  await expect(page.getByTestId('live-microphone-status')).toContainText('Microphone: on');
  const processed = async () => {
    const failed = await errors();
    if (failed.length > 0) throw new Error(`inference failed: ${failed.slice(0, 3).join('\n')}`);
    return page.evaluate(() => window.sentioApp!.perception!.stats().face?.processed ?? 0);
  };
  await expect
    .poll(processed, { timeout: 360_000, intervals: [1000], message: 'no face processed' })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('live-speech-bar').first()).toBeAttached({ timeout: 180_000 });
  await expect(page.getByTestId('live-transcript')).toContainText(/go\W+forward/i, { timeout: 420_000 });
  await expect(page.getByTestId('live-task-voice-activity')).toContainText('running on');
  expect(await errors()).toEqual([]);
}

/** Proof that the network is gone for this page: anything not cached is refused. */
async function expectNetworkGone(page: Page): Promise<void> {
  const uncached = await page.evaluate(() =>
    fetch(`/not-cached-${Math.random()}`, { cache: 'no-store' }).then(
      (r) => `answered ${r.status}`,
      (e: Error) => `refused: ${e.message}`,
    ),
  );
  expect(uncached).toMatch(/^refused/);
}

test('after one online visit, face detection, voice activity and a transcript run offline, each file fetched once', async ({
  page,
  context,
}) => {
  test.setTimeout(1_500_000); // every model warms up twice (online, then offline) on a shared 2-core machine
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  // The shell is precached and the worker controls the page; the models are not cached yet, and it says so.
  await expect(page.getByTestId('offline-status')).toHaveText(/^Opens offline\./);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // The online visit: the sensors run until every model has loaded here (Whisper at the first speech).
  await page.getByTestId('start-sensors').click();
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const t = window.sentioApp!.perception!.state().tasks;
          return (['facial-expression', 'pose', 'voice-activity', 'speech-recognition'] as const).every(
            (k) => t[k]?.status === 'ready',
          );
        }),
      { timeout: 480_000, intervals: [1000], message: 'the models never all loaded online' },
    )
    .toBe(true);
  await expect(page.getByTestId('offline-status')).toHaveText('Ready to work offline.', { timeout: 60_000 });
  const cached = await page.evaluate(async () => ({
    runtime: (await (await caches.open('sentio-runtime-v1')).keys()).map((r) => new URL(r.url).pathname),
    models: (await (await caches.open('sentio-models-v1')).keys()).map((r) => new URL(r.url).pathname),
    caches: await caches.keys(),
    // Every runtime or model file in every cache, once per cache that holds it.
    everywhere: (
      await Promise.all(
        (await caches.keys()).map(async (name) =>
          (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname),
        ),
      )
    )
      .flat()
      .filter((p) => p.startsWith('/runtime/') || p.startsWith('/models/')),
  }));
  test.info().annotations.push({ type: 'cached', description: JSON.stringify(cached) });
  expect(cached.runtime).toContain('/runtime/ort/ort-wasm-simd-threaded.wasm');
  expect(cached.runtime).toContain('/runtime/mediapipe/vision_wasm_internal.wasm');
  // Models are stored once: in the model store's cache, no second copy elsewhere.
  expect(cached.caches.filter((c) => c.includes('model'))).toEqual(['sentio-models-v1']);
  // …and so is every runtime file: no path in two caches (the precache holds none of them).
  expect(cached.everywhere.filter((p, i, all) => all.indexOf(p) !== i)).toEqual([]);
  // Only what a backend loads is shipped, so nothing else can be cached (the JSEP build is not).
  expect(cached.runtime.filter((p) => p.includes('.jsep.'))).toEqual([]);

  await page.getByTestId('start-sensors').click(); // stop
  await expect(page.getByTestId('live-camera-status')).toHaveText('Camera: stopped.');
  await context.setOffline(true);
  const requests = new Map<string, number>();
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/runtime/') || path.startsWith('/models/'))
      requests.set(path, (requests.get(path) ?? 0) + 1);
  });
  await page.reload();
  await expectNetworkGone(page);

  await runPerception(page);
  // No request loops: no runtime or model file was asked for over and over.
  const repeated = [...requests].filter(([, n]) => n > 3);
  expect(repeated).toEqual([]);
  await expect(page.getByTestId('status-bar').locator('.missing')).toHaveCount(0);
});

test('after the very first visit, with nothing started, the camera and the models work offline', async ({
  page,
  context,
}) => {
  test.setTimeout(900_000);
  // The test build leaves saving off by default (every spec would save 160 MB); a user's build saves.
  await page.addInitScript(() => localStorage.setItem('sentio.offline.save', 'on'));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  // The first visit: the worker installs, claims this page and saves every model and runtime through it.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
  await expect(page.getByTestId('offline-status')).toHaveText('Ready to work offline.', { timeout: 480_000 });
  const cached = await page.evaluate(async () =>
    (await (await caches.open('sentio-runtime-v1')).keys()).map((r) => new URL(r.url).pathname),
  );
  expect(cached).toContain('/runtime/mediapipe/vision_wasm_internal.wasm');

  await context.setOffline(true);
  await page.reload();
  await expectNetworkGone(page);
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  const errors = await watchInferenceErrors(page);
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toContainText('Camera: on');
  await expect
    .poll(
      async () => {
        const failed = await errors();
        if (failed.length > 0) throw new Error(`inference failed offline: ${failed.slice(0, 3).join('\n')}`);
        return page.evaluate(() => window.sentioApp!.perception!.stats().face?.processed ?? 0);
      },
      { timeout: 360_000, intervals: [1000], message: 'no face processed offline' },
    )
    .toBeGreaterThan(0);
  await expect(page.getByTestId('live-task-voice-activity')).toContainText('running on', {
    timeout: 180_000,
  });
  await expect(page.getByTestId('offline-status')).toHaveText('Ready to work offline.');
  await expect(page.getByTestId('status-bar').locator('.missing')).toHaveCount(0);
});
