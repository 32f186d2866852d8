// The Live panel of the real app with the fake camera (astronaut face 2 s, coffee cup 2 s) and microphone
// ("go forward ten meters", …): the overlay is checked by the pixels of a screenshot, not only by the DOM.
import { expect, test, type Page } from '@playwright/test';
import { OVERLAY_COLOURS } from '../src/app/live/overlay';
import { launchWithoutMediaGrant } from './fixtures/chromium';
import { findColour, hexToRgb, type ColourHits } from './fixtures/pixels';
import { distance, fixtureColours, type Rgb } from './sensors-helpers';
import { CAMERA } from './fixtures/timeline';

/** Where the astronaut's face is in face-640x480.jpg (source pixels, read off the photo: hairline to chin). */
const ASTRONAUT_FACE = { x: 240, y: 55, width: 105, height: 130 };

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await expect(page.getByTestId('live')).toBeVisible();
}

/** A screenshot of the camera preview (video + overlay as composited), and the preview's size on screen. */
async function shootStage(page: Page) {
  const video = page.getByTestId('live-video');
  const box = (await video.boundingBox())!;
  const png = await page.screenshot({ clip: box });
  return { png, box };
}

const FIXTURES = fixtureColours();

/** Which fixture picture a screenshot of the preview shows, by its mean colour. */
function showsFace(mean: Rgb): boolean {
  const [face, cup] = [FIXTURES.find((f) => f.hasFace)!, FIXTURES.find((f) => !f.hasFace)!];
  return distance(mean, face.mean) < distance(mean, cup.mean);
}

/**
 * Screenshots the preview until `hex` is (or is not) drawn there while the face (or the cup) is on air
 * (`faceOnAir` null: whichever).
 */
async function waitForOverlay(
  page: Page,
  hex: string,
  drawn: boolean,
  faceOnAir: boolean | null,
  timeout: number,
) {
  let last: { hits: ColourHits; box: { width: number; height: number }; png: Buffer } | null = null;
  await expect
    .poll(
      async () => {
        const { png, box } = await shootStage(page);
        last = { hits: await findColour(page, png, hexToRgb(hex)), box, png };
        const seen = drawn ? last.hits.count > 40 : last.hits.count === 0;
        return seen && (faceOnAir === null || showsFace(last.hits.mean) === faceOnAir);
      },
      { timeout, intervals: [100] },
    )
    .toBe(true);
  return last!;
}

test('live: face box over the face and pose skeleton (by pixels), happy expression, level, speech and "go forward"', async ({
  page,
}) => {
  test.setTimeout(360_000); // models warm up on a shared 2-core machine: Whisper alone took ~45 s under load
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toContainText('Camera: on');
  await expect(page.getByTestId('live-microphone-status')).toContainText('Microphone: on');
  await page.getByTestId('live').scrollIntoViewIfNeeded();

  // The face box: magenta pixels in the preview while it shows the astronaut, where her face is.
  const face = await waitForOverlay(page, OVERLAY_COLOURS.face, true, true, 120_000);
  // The preview is 4:3 like the camera, so the picture fills it: one scale from source to screen pixels.
  expect(Math.abs(face.box.width / face.box.height - CAMERA.width / CAMERA.height)).toBeLessThan(0.02);
  const scale = face.box.width / CAMERA.width;
  const hit = face.hits.box!;
  const centre = { x: (hit.x + hit.width / 2) / scale, y: (hit.y + hit.height / 2) / scale };
  const f = ASTRONAUT_FACE;
  expect(centre.x).toBeGreaterThan(f.x);
  expect(centre.x).toBeLessThan(f.x + f.width);
  expect(centre.y).toBeGreaterThan(f.y);
  expect(centre.y).toBeLessThan(f.y + f.height);
  // A face-sized box, not the whole frame or a speck.
  expect(hit.width / scale).toBeGreaterThan(f.width * 0.5);
  expect(hit.width / scale).toBeLessThan(f.width * 1.8);
  await test.info().attach('the preview as checked: face box over the astronaut', {
    body: face.png,
    contentType: 'image/png',
  });

  await expect(page.getByTestId('live-expression')).toContainText('happy', { timeout: 60_000 });
  // The pose skeleton (cyan) is drawn too.
  // (Not tied to the segment: pose runs at a lower rate, and under load its answers can trail the picture by
  // about a segment, drawn while the frame they came from is under 1.5 s old.)
  await waitForOverlay(page, OVERLAY_COLOURS.pose, true, null, 90_000);
  // While the coffee cup is on air the face box goes away: it follows the picture, it is not painted once.
  await waitForOverlay(page, OVERLAY_COLOURS.face, false, false, 60_000);

  // The level meter moves with the recording's speech and silences.
  const levels = new Set<number>();
  await expect
    .poll(
      async () => {
        levels.add(Number(await page.getByTestId('live-level').getAttribute('value')));
        return levels.size >= 4 && Math.max(...levels) > 0.3;
      },
      { timeout: 30_000, intervals: [150] },
    )
    .toBe(true);

  await expect(page.getByTestId('live-speech-bar').first()).toBeAttached({ timeout: 60_000 });
  await expect(page.getByTestId('live-transcript')).toContainText(/go\W+forward/i, { timeout: 180_000 });
  await expect(page.getByTestId('live-task-speech-recognition')).toContainText('Transcription: running on');

  // The lanes kept up all along: the camera never took a frame consumer for hung, not even while models loaded.
  await expect(page.getByTestId('live-camera-status')).toHaveClass('ok');
  await test.info().attach('the Live panel', {
    body: await page.getByTestId('live').screenshot(),
    contentType: 'image/png',
  });
  // The handle is there for tests and demos; Stop releases the sensors.
  const stats = await page.evaluate(() => window.sentio!.perception!.stats());
  test.info().annotations.push({ type: 'perception stats', description: JSON.stringify(stats) });
  expect(stats.face!.processed).toBeGreaterThan(3);
  expect(stats.face!.failed).toBe(0);
  expect(stats.speech!.transcripts).toBeGreaterThanOrEqual(1);
  expect(stats.skippedFrames.pose).toBeGreaterThan(0); // pose runs at its own, lower rate
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toHaveText('Camera: stopped.');
  await expect(page.getByTestId('live-microphone-status')).toHaveText('Microphone: stopped.');
  expect(await page.evaluate(() => window.sentio!.perception!.cameraTrack)).toBeNull();
  expect(errors).toEqual([]);
});

test('denied permission: a clear message per sensor, the other sensor runs on, and the dashboard works', async ({
  baseURL,
}) => {
  const browser = await launchWithoutMediaGrant();
  try {
    // Only the microphone is allowed: the camera fails, the microphone runs.
    const micOnly = await browser.newContext({ baseURL });
    await micOnly.grantPermissions(['microphone'], { origin: baseURL! });
    const page = await micOnly.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openApp(page);
    await page.getByTestId('start-sensors').click();
    await expect(page.getByTestId('live-camera-status')).toHaveText(
      'Camera: camera permission was denied; allow it in the site settings and start the camera again.',
    );
    await expect(page.getByTestId('live-camera-status')).toHaveClass('missing');
    await expect(page.getByTestId('live-microphone-status')).toContainText('Microphone: on');
    await expect
      .poll(async () => Number(await page.getByTestId('live-level').getAttribute('value')), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0.2);
    const state = await page.evaluate(() => window.sentio!.perception!.state());
    expect(state.camera).toMatchObject({ status: 'failed', reason: 'permission-denied' });
    expect(state.microphone).toMatchObject({ status: 'running' });
    // The dashboard goes on: an event published now shows up in the inspector (closed until opened).
    await page.getByTestId('inspector-toggle').click();
    await page.evaluate(async () => {
      window.sentio!.bus.publish('demo.after.denied', { ok: true });
      await window.sentio!.bus.flush();
    });
    // (Panels draw only while on screen, and a panel above can grow: keep the list in view while waiting.)
    await expect
      .poll(async () => {
        await page.getByTestId('event-list').scrollIntoViewIfNeeded();
        return page.getByTestId('event-row').filter({ hasText: 'demo.after.denied' }).count();
      })
      .toBe(1);
    await page.getByTestId('live').scrollIntoViewIfNeeded(); // back to the Live panel: it draws on screen
    // This browser has no WebGPU (no --enable-unsafe-webgpu): the VAD says it runs on the CPU, and why.
    await expect(page.getByTestId('live-task-voice-activity')).toContainText(
      /^Voice activity: running on onnxruntime-wasm\S* \(CPU\): WebGPU is unavailable here \(.+\)/,
    );
    // Taking the permission back mid-stream is said too.
    await micOnly.clearPermissions();
    await expect(page.getByTestId('live-microphone-status')).toHaveText(
      'Microphone: microphone permission was revoked while it was in use.',
    );
    expect(errors).toEqual([]);
    await micOnly.close();

    // Nothing allowed: both say why; Stop and Start again work (and fail again, clearly) without a reload.
    const none = await (await browser.newContext({ baseURL })).newPage();
    await openApp(none);
    await none.getByTestId('start-sensors').click();
    await expect(none.getByTestId('live-microphone-status')).toHaveText(
      'Microphone: microphone permission was denied; allow it in the site settings and start the microphone again.',
    );
    await expect(none.getByTestId('live-camera-status')).toContainText('camera permission was denied');
    await none.getByTestId('start-sensors').click();
    await expect(none.getByTestId('start-sensors')).toHaveAttribute('aria-pressed', 'false');
    await none.getByTestId('start-sensors').click();
    await expect(none.getByTestId('live-microphone-status')).toContainText(
      'microphone permission was denied',
    );
    await expect(none.getByTestId('live-camera-status')).toContainText('camera permission was denied');
  } finally {
    await browser.close();
  }
});

test('on a phone the Live panel is full width with a thumb-sized button', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  const panel = (await page.getByTestId('live').boundingBox())!;
  const device = (await page.getByTestId('device').boundingBox())!;
  expect(Math.round(panel.x)).toBe(Math.round(device.x));
  expect(panel.width).toBeGreaterThan(300);
  const button = (await page.getByTestId('start-sensors').boundingBox())!;
  expect(button.height).toBeGreaterThanOrEqual(44);
  expect(button.width).toBeGreaterThan(300);
  const video = (await page.getByTestId('live-video').boundingBox())!;
  expect(video.width).toBeLessThanOrEqual(panel.width);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
