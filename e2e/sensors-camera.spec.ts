// Camera frames from the fake camera (a face photo and a no-face photo, 2 s each at 15 fps) arrive in a
// dedicated worker by transfer, at the requested rate, with the fixture's pixels.
import { expect, test, type Page } from '@playwright/test';
import { CAMERA, VIDEO_SEGMENTS } from './fixtures/timeline';
import { distance, eventsOf, fixtureColours, openSensorsPage, waitForEvent } from './sensors-helpers';
import type { ProbedFrame } from './pages/probe-protocol';

const fixtures = fixtureColours();

/** Which fixture each frame shows (nearest mean colour), failing on a frame that looks like neither. */
function classify(frames: ProbedFrame[]): boolean[] {
  return frames.map((f) => {
    const d = fixtures.map((x) => distance(f.mean, x.mean));
    const best = d[0]! < d[1]! ? 0 : 1;
    expect(d[best], `frame ${f.seq} mean ${f.mean.map(Math.round)} matches no fixture`).toBeLessThan(12);
    return fixtures[best]!.hasFace;
  });
}

/** Lengths of the runs of equal values, without the first and last (cut by the recording window). */
function innerRuns(xs: boolean[]): number[] {
  const runs: number[] = [];
  let n = 1;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i] === xs[i - 1]) n++;
    else {
      runs.push(n);
      n = 1;
    }
  }
  return runs.slice(1);
}

type Probed = Awaited<ReturnType<typeof window.__sensors.probeFrames>>;

/**
 * The probe's frames once `enough` holds for them. Waits on the frames themselves, not on a fixed time: on a
 * loaded machine the camera can take seconds to start, and every rate check below uses capture timestamps.
 */
async function recordFrames(page: Page, enough: (frames: ProbedFrame[]) => boolean): Promise<Probed> {
  let last: Probed | undefined;
  await expect
    .poll(
      async () => {
        last = await page.evaluate(() => window.__sensors.probeFrames());
        return enough(last.frames);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return last!;
}

const both = (frames: ProbedFrame[]) => {
  const faces = classify(frames);
  return faces.includes(true) && faces.includes(false);
};

test.describe('camera', () => {
  test.beforeEach(async ({ page }) => openSensorsPage(page));

  test('frames reach a worker by transfer at 15 fps with the fixture pixels (track processor)', async ({
    page,
  }) => {
    expect(
      await page.evaluate(() => window.__sensors.startCamera({ width: 640, height: 480, frameRate: 15 })),
    ).toBe(true);
    // Enough frames for two whole 2 s segments between the partial first and last ones.
    const { frames, busFrameEvents } = await recordFrames(
      page,
      (f) => f.length > 80 && innerRuns(classify(f)).length >= 2,
    );
    expect(frames.length).toBeGreaterThan(80);
    // The metadata reached the same worker through the bus hub (a SharedWorker), the frames did not.
    expect(busFrameEvents).toBeGreaterThanOrEqual(frames.length - 5);
    const spanS = (frames.at(-1)!.ts - frames[0]!.ts) / 1000;
    const fps = (frames.length - 1 + frames.at(-1)!.dropped) / spanS;
    expect(fps).toBeGreaterThan(CAMERA.fps * 0.9);
    expect(fps).toBeLessThan(CAMERA.fps * 1.1);
    expect(frames.every((f) => f.kind === 'VideoFrame' && f.width === 640 && f.height === 480)).toBe(true);

    // Face and no-face segments are told apart by their pixels, and each lasts its 2 s (30 frames).
    const faces = classify(frames);
    expect(faces).toContain(true);
    expect(faces).toContain(false);
    const runs = innerRuns(faces);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const r of runs)
      expect(Math.abs(r - VIDEO_SEGMENTS[0]!.seconds * CAMERA.fps)).toBeLessThanOrEqual(3);

    // Every frame the camera handed over was detached on the page (transferred, not cloned).
    const detached = await page.evaluate(() => window.__sensors.detachedAfterSend());
    expect(detached.length).toBeGreaterThanOrEqual(frames.length);
    expect(detached.every(Boolean)).toBe(true);

    // The small metadata event goes on the bus, labelled local, in step with the frames.
    const meta = await eventsOf(page, 'camera.front.frame');
    expect(meta.length).toBeGreaterThanOrEqual(frames.length);
    expect(meta.every((e) => e.privacy === 'local')).toBe(true);
    const first = meta[0]!.payload as { width: number; height: number; seq: number; capture: string };
    expect(first).toMatchObject({ width: 640, height: 480, seq: 0, capture: 'track-processor' });
    // Capture timestamps are in the epoch clock (a wrong clock domain would be off by minutes or hours).
    for (const f of frames) expect(Math.abs(f.arrivedAt - f.ts)).toBeLessThan(1000);
    const started = await eventsOf(page, 'sensor.started');
    expect(started[0]!.payload).toMatchObject({ sensor: 'camera.front', width: 640, height: 480 });
  });

  test('requestVideoFrameCallback fallback with downscale at capture', async ({ page }) => {
    expect(
      await page.evaluate(() =>
        window.__sensors.startCamera({
          capture: 'video-frame-callback',
          frameRate: 15,
          downscale: { width: 160, height: 120 },
        }),
      ),
    ).toBe(true);
    const { frames } = await recordFrames(page, (f) => f.length > 55 && both(f));
    expect(frames.every((f) => f.kind === 'ImageBitmap' && f.width === 160 && f.height === 120)).toBe(true);
    const faces = classify(frames);
    expect(faces).toContain(true);
    expect(faces).toContain(false);
    expect((await page.evaluate(() => window.__sensors.detachedAfterSend())).every(Boolean)).toBe(true);
    const meta = await eventsOf(page, 'camera.front.frame');
    expect(meta[0]!.payload).toMatchObject({ width: 160, height: 120, capture: 'video-frame-callback' });
  });

  test('requestVideoFrameCallback capture that falls silent on a live track is restarted, reported, and recovers; endless silence fails by name', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    const watchdog = { stallMs: 2000, firstFrameMs: 2000, maxRestarts: 3 };
    const started = (o: object) =>
      page.evaluate(
        (opts) => window.__sensors.startCamera({ ...opts, capture: 'video-frame-callback', painted: true }),
        o,
      );
    const frameCount = async () => (await page.evaluate(() => window.__sensors.cameraStats()!.seq)) as number;
    // Fresh run 2 of session 21 once saw a restarted painted camera count no frame for 30 s, with nothing
    // reported; not reproduced since (0 of 4 under load). If it comes back, the failure says what the watchdog saw.
    const framesPass = (n: number) =>
      expect
        .poll(frameCount, { timeout: 30_000 })
        .toBeGreaterThan(n)
        .catch(async (e: Error) => {
          const seen = await page.evaluate(() => ({
            track: window.__sensors.cameraTrackState(),
            state: window.__sensors.cameraStats()?.state,
            events: window.__sensors.events('sensor.').map((x) => JSON.stringify(x.payload)),
          }));
          throw new Error(`${e.message}\nwhat the capture watchdog saw: ${JSON.stringify(seen)}`);
        });
    expect(await started({ videoFrameCallback: watchdog })).toBe(true);
    await framesPass(10);
    // The canvas stops changing: the track stays live, the <video> gets no more frames.
    await page.evaluate(() => window.__sensors.paintCamera(false));
    const stalled = await waitForEvent(page, 'sensor.error', { reason: 'capture-stalled' }, 45_000);
    expect(stalled.payload).toMatchObject({
      sensor: 'camera.front',
      message: expect.stringMatching(/no camera frame for \d+ ms .*restarted \(1 of 3\)/),
    });
    expect(await page.evaluate(() => window.__sensors.cameraStats()!.state)).toBe('running');
    const before = await frameCount();
    await page.evaluate(() => window.__sensors.paintCamera(true));
    await waitForEvent(page, 'sensor.recovered', { reason: 'capture-stalled' }, 45_000);
    await framesPass(before + 10);
    // Nothing but stall warnings so far: the camera never failed.
    expect(
      (await eventsOf(page, 'sensor.error')).every(
        (e) => (e.payload as { reason: string }).reason === 'capture-stalled',
      ),
    ).toBe(true);

    // Silence that outlasts every restart is a failure with a reason, not a camera "running" forever.
    await page.evaluate(() => window.__sensors.clearEvents());
    expect(await started({ videoFrameCallback: watchdog })).toBe(true);
    await framesPass(5);
    await page.evaluate(() => window.__sensors.paintCamera(false));
    const failed = await waitForEvent(page, 'sensor.error', { reason: 'capture-failed' }, 45_000);
    expect((failed.payload as { message: string }).message).toMatch(/after 3 restarts/);
    // The three restarts in a row, then the failure (a slow tick on a loaded machine may add an earlier warning).
    const reported = (await eventsOf(page, 'sensor.error')).map(
      (e) => e.payload as { reason: string; message: string },
    );
    expect(
      reported.slice(-4).map((p) => `${p.reason} ${/\(\d of 3\)/.exec(p.message)?.[0] ?? ''}`.trim()),
    ).toEqual([
      'capture-stalled (1 of 3)',
      'capture-stalled (2 of 3)',
      'capture-stalled (3 of 3)',
      'capture-failed',
    ]);
    expect(await page.evaluate(() => window.__sensors.cameraStats()!.state)).toBe('failed');
  });

  test('two consumers each get every frame (VideoFrame clones, and ImageBitmap copies when downscaled)', async ({
    page,
  }) => {
    for (const downscale of [undefined, { width: 160, height: 120 }]) {
      expect(
        await page.evaluate(
          (d) => window.__sensors.startCamera({ frameRate: 15, consumers: 2, downscale: d }),
          downscale,
        ),
      ).toBe(true);
      const probe = async (which: number) =>
        (await page.evaluate((w) => window.__sensors.probeFrames(w), which)).frames;
      await expect
        .poll(async () => Math.min((await probe(0)).length, (await probe(1)).length), { timeout: 60_000 })
        .toBeGreaterThan(30);
      await page.evaluate(() => window.__sensors.stopCamera());
      // Frames already sent when capture stopped may still be landing: wait until both consumers have settled.
      await expect
        .poll(async () => Math.abs((await probe(0)).length - (await probe(1)).length), { timeout: 30_000 })
        .toBeLessThanOrEqual(2);
      const a = await probe(0);
      const b = await probe(1);
      // Both saw the same frames (one may have had its newest frame replaced while it was busy).
      expect(Math.abs(a.length - b.length)).toBeLessThanOrEqual(2);
      const common = new Set(a.map((f) => f.seq));
      expect(b.filter((f) => common.has(f.seq)).length).toBeGreaterThanOrEqual(b.length - 2);
      expect(new Set([...a, ...b].map((f) => f.kind))).toEqual(
        new Set([downscale ? 'ImageBitmap' : 'VideoFrame']),
      );
      classify(a);
      classify(b);
    }
    expect((await page.evaluate(() => window.__sensors.detachedAfterSend())).every(Boolean)).toBe(true);
  });

  test('a requested lower frame rate and resolution are honoured', async ({ page }) => {
    expect(
      await page.evaluate(() => window.__sensors.startCamera({ frameRate: 5, width: 320, height: 240 })),
    ).toBe(true);
    const { frames } = await recordFrames(page, (f) => f.length >= 20);
    const fps = (frames.length - 1) / ((frames.at(-1)!.ts - frames[0]!.ts) / 1000);
    expect(fps).toBeGreaterThan(4);
    expect(fps).toBeLessThan(6);
    expect(frames.every((f) => f.width === 320 && f.height === 240)).toBe(true);
    classify(frames); // scaled, still the fixture's pictures
  });

  test('a slow consumer gets the newest frame; the rest are dropped and counted', async ({ page }) => {
    expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15, busyMs: 250 }))).toBe(
      true,
    );
    const { frames } = await recordFrames(page, (f) => f.length > 8 && (f.at(-1)?.dropped ?? 0) > 20);
    // About 4 frames a second get through; the others were replaced while the consumer was busy.
    const last = frames.at(-1)!;
    expect(last.dropped).toBeGreaterThan(frames.length);
    expect(last.seq + 1).toBeGreaterThanOrEqual(frames.length + last.dropped - 2);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.seq).toBeGreaterThan(frames[i - 1]!.seq);
    // Newest wins: a frame waits at most about one consumer turn, never a queue of them. A turn is measured
    // (the gap between arrivals), since a loaded machine stretches the probe's 250 ms of busy work.
    const turns = frames.slice(1).map((f, i) => f.arrivedAt - frames[i]!.arrivedAt);
    const turn = Math.max(250, ...turns);
    for (const f of frames.slice(2)) expect(f.arrivedAt - f.ts).toBeLessThan(2 * turn + 200);
    const stats = await page.evaluate(() => window.__sensors.cameraStats());
    expect(stats!.consumers[0]!.dropped).toBeGreaterThan(20);
    const meta = await eventsOf(page, 'camera.front.frame');
    expect((meta.at(-1)!.payload as { dropped: number }).dropped).toBeGreaterThan(20);
  });

  test('device choice and switching: the same consumer keeps getting frames; a missing device is an error', async ({
    page,
  }) => {
    expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15 }))).toBe(true);
    const devices = await page.evaluate(async () =>
      (await window.__sensors.listCameras()).map((d) => ({ id: d.deviceId, label: d.label })),
    );
    expect(devices.length).toBeGreaterThan(0);
    expect(devices[0]!.label).toMatch(/camera\.y4m/); // the fake camera is labelled with its file
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
      .toBeGreaterThan(5);

    expect(await page.evaluate((id) => window.__sensors.switchCamera(id), devices[0]!.id)).toBe(true);
    const stopped = await eventsOf(page, 'sensor.stopped');
    expect(stopped.map((e) => (e.payload as { reason: string }).reason)).toEqual(['replaced']);
    const started = await eventsOf(page, 'sensor.started');
    expect(started.length).toBe(2);
    expect(started[1]!.payload).toMatchObject({ deviceId: devices[0]!.id });
    const before = (await page.evaluate(() => window.__sensors.probeFrames())).frames.length;
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
      .toBeGreaterThan(before + 5);

    expect(await page.evaluate(() => window.__sensors.switchCamera('no-such-camera'))).toBe(false);
    const [error] = await eventsOf(page, 'sensor.error');
    expect(error!.payload).toMatchObject({
      sensor: 'camera.front',
      reason: 'overconstrained',
      message: /deviceId/,
    });
    expect(await page.evaluate(() => window.__sensors.cameraStats()!.state)).toBe('failed');
  });

  test('a consumer that throws on every frame: one sensor.error, capture and metadata go on', async ({
    page,
  }) => {
    expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15, throwing: true }))).toBe(
      true,
    );
    await expect.poll(async () => (await eventsOf(page, 'camera.front.frame')).length).toBeGreaterThan(30);
    const errors = await eventsOf(page, 'sensor.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.payload).toMatchObject({
      sensor: 'camera.front',
      reason: 'consumer-failed',
      message: /probe cannot handle frame 0/,
      error: { name: 'TypeError' },
    });
    const stats = await page.evaluate(() => window.__sensors.cameraStats()!);
    expect(stats.state).toBe('running');
    expect(stats.consumers[0]!.consumerErrors).toBeGreaterThan(20);
  });

  test('a consumer worker that dies: reported once, its frames are let go, capture goes on', async ({
    page,
  }) => {
    expect(
      await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15, consumerTimeoutMs: 1000 })),
    ).toBe(true);
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
      .toBeGreaterThan(5);
    await page.evaluate(() => window.__sensors.killProbe());
    const error = await waitForEvent(page, 'sensor.error', { reason: 'consumer-failed' });
    expect((error.payload as { message: string }).message).toMatch(
      /returned no frame for \d+ ms \(crashed or hung\)/,
    );
    const before = (await eventsOf(page, 'camera.front.frame')).length;
    // Capture goes on without the dead consumer: new frames are let go (dropped), metadata keeps flowing.
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.cameraStats()!)).consumers[0]!.dropped, {
        timeout: 60_000,
      })
      .toBeGreaterThan(15);
    await expect
      .poll(async () => (await eventsOf(page, 'camera.front.frame')).length, { timeout: 60_000 })
      .toBeGreaterThan(before + 15);
    const stats = await page.evaluate(() => window.__sensors.cameraStats()!);
    expect(stats.state).toBe('running');
    expect(stats.consumers[0]!.pending).toBe(false);
    expect(await eventsOf(page, 'sensor.error')).toHaveLength(1);
  });

  test('a consumer loading its model may hold its thread past the consumer timeout; once loaded, the same silence is reported', async ({
    page,
  }) => {
    // Each frame holds the probe's thread for 2.5 s, as a synchronous model build does on a first call.
    expect(
      await page.evaluate(() =>
        window.__sensors.startCamera({
          frameRate: 15,
          consumerTimeoutMs: 1000,
          loadingTimeoutMs: 60_000,
          busyMs: 2500,
          loading: true,
        }),
      ),
    ).toBe(true);
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length, {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(3);
    // Three times over the consumer timeout while loading: not a hang.
    expect(await eventsOf(page, 'sensor.error')).toEqual([]);

    await page.evaluate(() => window.__sensors.probeLoading(false));
    const error = await waitForEvent(page, 'sensor.error', { reason: 'consumer-failed' });
    expect((error.payload as { message: string }).message).toMatch(
      /^a frame consumer has returned no frame for \d+ ms \(crashed or hung\)/,
    );
  });
});
