// Every failure is an event and a clear message, never a crash: denied permission, a track stopped
// mid-stream, no camera at all, audio held by the autoplay policy. After each, the page keeps running and
// the sensor starts again.
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import {
  AUTO_GRANT_MEDIA_ARG,
  BASE_ARGS,
  chromiumPath,
  FAKE_MEDIA_ARGS,
  launchWithoutMediaGrant,
} from './fixtures/chromium';
import { eventsOf, openSensorsPage, waitForEvent } from './sensors-helpers';

async function pageIn(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await openSensorsPage(page);
  return page;
}

const stillRunning = async (page: Page) => {
  await page.evaluate(() => window.__sensors.startDeviceSignals());
  await waitForEvent(page, 'device.network', { online: true });
};

test.describe('sensor failures', () => {
  test('permission denied → sensor.error, the app keeps running, and a later grant lets it start', async ({
    baseURL,
  }) => {
    const browser = await launchWithoutMediaGrant();
    try {
      const page = await pageIn(browser, baseURL);
      expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15 }))).toBe(false);
      expect(await page.evaluate(() => window.__sensors.startMicrophone({}))).toBe(false);
      const errors = await eventsOf(page, 'sensor.error');
      expect(errors.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          sensor: 'camera.front',
          reason: 'permission-denied',
          message: expect.stringMatching(/camera permission was denied/),
        }),
        expect.objectContaining({ sensor: 'microphone.main', reason: 'permission-denied' }),
      ]);
      expect((errors[0]!.payload as { error: { name: string } }).error.name).toBe('NotAllowedError');
      expect(await page.evaluate(() => window.__sensors.cameraStats()!.state)).toBe('failed');
      await stillRunning(page);

      await page.context().grantPermissions(['camera', 'microphone'], { origin: baseURL! });
      expect(await page.evaluate(() => window.__sensors.restartCamera())).toBe(true);
      expect(await page.evaluate(() => window.__sensors.restartMicrophone())).toBe(true);
      await expect
        .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
        .toBeGreaterThan(5);
      await expect.poll(async () => (await eventsOf(page, 'audio.main.chunk')).length).toBeGreaterThan(10);
    } finally {
      await browser.close();
    }
  });

  test('permission revoked mid-stream → sensor.stopped(permission-revoked) for camera and microphone', async ({
    baseURL,
  }) => {
    const browser = await launchWithoutMediaGrant();
    try {
      const page = await pageIn(browser, baseURL);
      await page.context().grantPermissions(['camera', 'microphone'], { origin: baseURL! });
      expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15 }))).toBe(true);
      expect(await page.evaluate(() => window.__sensors.startMicrophone({}))).toBe(true);
      await expect.poll(async () => (await eventsOf(page, 'audio.main.chunk')).length).toBeGreaterThan(5);
      await page.context().clearPermissions();
      const camera = await waitForEvent(page, 'sensor.stopped', { sensor: 'camera.front' });
      const mic = await waitForEvent(page, 'sensor.stopped', { sensor: 'microphone.main' });
      expect(camera.payload).toMatchObject({ reason: 'permission-revoked', message: /revoked/ });
      expect(mic.payload).toMatchObject({ reason: 'permission-revoked' });
      await stillRunning(page);
    } finally {
      await browser.close();
    }
  });

  test('camera track stopped mid-stream → sensor.stopped(track-ended), then restart delivers frames', async ({
    page,
  }) => {
    await openSensorsPage(page);
    expect(await page.evaluate(() => window.__sensors.startCamera({ frameRate: 15 }))).toBe(true);
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
      .toBeGreaterThan(5);
    await page.evaluate(() => window.__sensors.stopCameraTrack());
    const stopped = await waitForEvent(page, 'sensor.stopped', { sensor: 'camera.front' });
    expect(stopped.payload).toMatchObject({
      reason: 'track-ended',
      message: expect.stringMatching(/ended mid-stream/),
    });
    expect(await page.evaluate(() => window.__sensors.cameraStats()!.state)).toBe('stopped');
    await stillRunning(page);

    const before = (await page.evaluate(() => window.__sensors.probeFrames())).frames.length;
    await page.evaluate(() => window.__sensors.clearEvents());
    expect(await page.evaluate(() => window.__sensors.restartCamera())).toBe(true);
    await expect
      .poll(async () => (await page.evaluate(() => window.__sensors.probeFrames())).frames.length)
      .toBeGreaterThan(before + 5);
    const meta = await eventsOf(page, 'camera.front.frame');
    expect((meta[0]!.payload as { seq: number }).seq).toBe(0);
  });

  test('microphone track stopped mid-stream → sensor.stopped(track-ended), then restart delivers chunks', async ({
    page,
  }) => {
    await openSensorsPage(page);
    expect(await page.evaluate(() => window.__sensors.startMicrophone({}))).toBe(true);
    await expect.poll(async () => (await eventsOf(page, 'audio.main.chunk')).length).toBeGreaterThan(10);
    await page.evaluate(() => window.__sensors.stopMicrophoneTrack());
    const stopped = await waitForEvent(page, 'sensor.stopped', { sensor: 'microphone.main' });
    expect(stopped.payload).toMatchObject({ reason: 'track-ended' });
    await page.evaluate(() => window.__sensors.clearEvents());
    expect(await page.evaluate(() => window.__sensors.restartMicrophone())).toBe(true);
    await expect.poll(async () => (await eventsOf(page, 'audio.main.chunk')).length).toBeGreaterThan(10);
  });

  test('no camera at all → sensor.error(no-device)', async ({ baseURL }) => {
    // No fake devices: this machine has no camera or microphone.
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...BASE_ARGS, AUTO_GRANT_MEDIA_ARG],
    });
    try {
      const page = await pageIn(browser, baseURL);
      expect(await page.evaluate(() => window.__sensors.startCamera({}))).toBe(false);
      const [error] = await eventsOf(page, 'sensor.error');
      expect(error!.payload).toMatchObject({
        sensor: 'camera.front',
        reason: 'no-device',
        message: expect.stringMatching(/no camera was found/),
      });
      await stillRunning(page);
    } finally {
      await browser.close();
    }
  });

  // The suspended → gesture → resume path serves Safari/Firefox. Chromium exempts a page that is capturing
  // from the Web Audio autoplay policy (measured: under the strict policy a bare AudioContext stays
  // suspended, but one in a page with a live microphone runs), so here the sensor must simply run and must
  // not report a suspension that did not happen.
  test('under a strict autoplay policy, capture started without a gesture runs and reports no false suspension', async ({
    baseURL,
  }) => {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        ...BASE_ARGS,
        ...FAKE_MEDIA_ARGS,
        AUTO_GRANT_MEDIA_ARG,
        '--autoplay-policy=document-user-activation-required',
      ],
    });
    try {
      const page = await (await browser.newContext({ baseURL })).newPage();
      // The page starts the microphone itself: no evaluate() (which carries a user gesture) before it runs.
      await page.goto('/e2e/pages/sensors.html?autostart=microphone');
      const status = page.locator('#status');
      await expect(status).toContainText('microphone running; errors: none; chunks:');
      await expect
        .poll(async () => Number((await status.textContent())!.split('chunks: ')[1]))
        .toBeGreaterThan(10);
      // Control: the policy is in force for an AudioContext in a page that is not capturing.
      const bare = await browser.newPage();
      await bare.route('**/bare.html', (r) =>
        r.fulfill({
          contentType: 'text/html',
          body: '<p id=s></p><script>const a = new AudioContext(); setTimeout(() => (s.textContent = a.state), 300)</script>',
        }),
      );
      await bare.goto(`${baseURL}/bare.html`);
      await expect(bare.locator('#s')).toHaveText('suspended');
    } finally {
      await browser.close();
    }
  });
});
