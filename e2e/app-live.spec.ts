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
  // The handle is there for tests and demos; Stop releases the sensors. Its stats are the worker's report, sent
  // every 250 ms: the transcript can be on screen before the report that counts it.
  await expect
    .poll(() => page.evaluate(() => window.sentioApp!.perception!.stats().speech?.transcripts ?? 0), {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(1);
  const stats = await page.evaluate(() => window.sentioApp!.perception!.stats());
  test.info().annotations.push({ type: 'perception stats', description: JSON.stringify(stats) });
  expect(stats.face!.processed).toBeGreaterThan(3);
  expect(stats.face!.failed).toBe(0);
  expect(stats.speech!.transcripts).toBeGreaterThanOrEqual(1);
  expect(stats.skippedFrames.pose).toBeGreaterThan(0); // pose runs at its own, lower rate
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toHaveText('Camera: stopped.');
  await expect(page.getByTestId('live-microphone-status')).toHaveText('Microphone: stopped.');
  expect(await page.evaluate(() => window.sentioApp!.perception!.cameraTrack)).toBeNull();
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
    const state = await page.evaluate(() => window.sentioApp!.perception!.state());
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

test('first visit on a phone: the welcome card with each model\'s real progress, plain sensor lines (backends only in the details), the video above the fold (by pixels), and "No face in view." with the face events', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const PHONE = { width: 390, height: 844 };
  await page.setViewportSize(PHONE);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openApp(page);

  // The card says what Sentio does, that the sensors stay here, and what the first start will take.
  const card = page.getByTestId('first-run');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('first-run-privacy')).toContainText(
    'The camera and the microphone stay on this device',
  );
  await expect(card.getByTestId('first-run-expect')).toContainText(/first face takes .* first transcript/);
  const rows = card.getByTestId('first-run-models').getByRole('listitem');
  await expect(rows).toHaveCount(5);
  for (const row of await rows.all()) await expect(row).toContainText('loads when you start');
  // Before a start: both sensors in plain words; the details are closed.
  await expect(page.getByTestId('live-camera-line')).toHaveText('Camera off.');
  await expect(page.getByTestId('live-microphone-line')).toHaveText('Microphone off.');
  await expect(page.getByTestId('live-details')).not.toHaveAttribute('open');

  // Everything the card's rows and the two headlines say, and what the face events said when, is recorded in
  // the page: transient states ("loading 1.2 of 45.2 MB", "Speech heard.") come and go between two polls.
  await page.evaluate(() => {
    const w = window as unknown as {
      said: Record<string, string[]>;
      faces: { n: number; shown: string[] }[];
    };
    w.said = {};
    const watch = (testId: string) => {
      const node = document.querySelector(`[data-testid="${testId}"]`)!;
      const note = () => {
        for (const li of node.querySelectorAll('li')) {
          const key = li.dataset.testid!;
          const text = li.textContent ?? '';
          const list = (w.said[key] ??= []);
          if (list.at(-1) !== text) list.push(text);
        }
      };
      new MutationObserver(note).observe(node, { subtree: true, childList: true, characterData: true });
      note();
    };
    watch('first-run-models');
    watch('live-lines');
  });
  await page.getByTestId('start-sensors').click();
  // The perception's own events (the panel's tap), with what the panel shows two frames after each.
  await page.waitForFunction(() => !!window.sentio?.perception);
  await page.evaluate(() => {
    const w = window as unknown as { faces: { n: number; shown: string[]; overtaken: boolean }[] };
    w.faces = [];
    const o = window as unknown as { order: [string, number][] };
    o.order = [];
    window.sentioApp!.perception!.observe((u) => {
      if (u.kind === 'event' && u.event.topic.startsWith('vision.face'))
        o.order.push([u.event.topic, (u.event.payload as { frame: number }).frame]);
      if (u.kind !== 'event' || u.event.topic !== 'vision.face') return;
      const entry = {
        n: (u.event.payload as { faces: unknown[] }).faces.length,
        shown: [] as string[],
        overtaken: false,
      };
      w.faces.push(entry);
      const index = w.faces.length - 1;
      const read = () =>
        `${document.querySelector('[data-testid="live-expression"]')!.textContent} | ${
          document.querySelector('[data-testid="live-camera-line"]')!.textContent
        }`;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          // A newer face result came in between: the panel shows that one by now.
          entry.overtaken = w.faces.length - 1 > index;
          entry.shown.push(read());
        }),
      );
    });
  });

  // Every model of the card ends ready, and at least the big one was seen loading, with its bytes.
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          [...document.querySelectorAll('[data-testid="first-run-models"] li')].every((li) =>
            li.textContent!.includes('ready'),
          ),
        ),
      { timeout: 300_000, intervals: [1000] },
    )
    .toBe(true);
  const said = await page.evaluate(() => (window as unknown as { said: Record<string, string[]> }).said);
  test
    .info()
    .annotations.push({ type: 'what the card and the lines said', description: JSON.stringify(said) });
  expect(said['first-run-model-whisper-tiny']!.some((t) => /loading \d+\.\d MB of 45\.\d MB/.test(t))).toBe(
    true,
  );

  // The headlines: plain words through a run, never a backend's name.
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const s = (window as unknown as { said: Record<string, string[]> }).said;
          return [...new Set([...(s['live-camera-line'] ?? []), ...(s['live-microphone-line'] ?? [])])];
        }),
      { timeout: 120_000, intervals: [1000] },
    )
    .toEqual(
      expect.arrayContaining([
        'Face in view.',
        'No face in view.',
        'Listening.',
        'Speech heard.',
        'Transcribing…',
      ]),
    );
  const headlines = await page.evaluate(() => {
    const s = (window as unknown as { said: Record<string, string[]> }).said;
    return [...(s['live-camera-line'] ?? []), ...(s['live-microphone-line'] ?? [])];
  });
  for (const text of headlines) expect(text).not.toMatch(/onnx|tfjs|wasm|webgpu|mediapipe|transformers/i);
  // The details (closed until asked) name the backends; the face line is the face detector's, from its events.
  const details = page.getByTestId('live-details');
  await expect(details).not.toHaveAttribute('open');
  await details.locator('summary').click();
  const faceBackend = await page.evaluate(
    () =>
      new Promise<string>((done) => {
        const off = window.sentioApp!.perception!.observe((u) => {
          if (u.kind === 'event' && u.event.topic === 'vision.face') {
            off();
            done((u.event.payload as { backend: string }).backend);
          }
        });
      }),
  );
  expect(faceBackend).toMatch(/^onnxruntime/);
  await expect(page.getByTestId('live-face-backend')).toHaveText(
    `Face detection: running on ${faceBackend}.`,
  );
  await expect(page.getByTestId('live-task-facial-expression')).toContainText('Expressions: running on tfjs');
  await details.locator('summary').click();

  // "No face in view." follows the face events: two frames after the first empty result after a face, the
  // panel says so (not a second or two later).
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const f = (window as unknown as { faces: { n: number; shown: string[]; overtaken: boolean }[] })
            .faces;
          return f.filter(
            (e, i) => i > 0 && e.n === 0 && f[i - 1]!.n > 0 && e.shown.length > 0 && !e.overtaken,
          ).length;
        }),
      { timeout: 60_000, intervals: [500] },
    )
    .toBeGreaterThanOrEqual(2);
  const faces = await page.evaluate(
    () => (window as unknown as { faces: { n: number; shown: string[]; overtaken: boolean }[] }).faces,
  );
  for (const [i, e] of faces.entries()) {
    if (i === 0 || e.n !== 0 || faces[i - 1]!.n === 0 || e.shown.length === 0 || e.overtaken) continue;
    // The expression line, and the camera line unless the camera has a warning to give (said instead).
    expect(e.shown[0]).toMatch(/^No face in view\. \| (No face in view\.|Camera on, but .*)$/);
  }

  // Why it used to trail: faces were published only once the (slow) expression model had read them. Now
  // faces keep being found while an expression is read: a later frame's faces come before an earlier
  // frame's expression.
  const order = await page.evaluate(() => (window as unknown as { order: [string, number][] }).order);
  const overtaken = order.some(
    ([topic, frame], i) =>
      topic === 'vision.face.expression' &&
      order.slice(0, i).some(([t, f]) => t === 'vision.face' && f > frame),
  );
  expect(overtaken, JSON.stringify(order.slice(0, 200))).toBe(true);

  // The phone layout: with the camera running, the preview and its face box are in the first screen.
  await page.evaluate(() => window.scrollTo(0, 0));
  const video = (await page.getByTestId('live-video').boundingBox())!;
  expect(video.y).toBeGreaterThanOrEqual(0);
  expect(video.y + video.height).toBeLessThanOrEqual(PHONE.height);
  let shot: Buffer | null = null;
  await expect
    .poll(
      async () => {
        shot = await page.screenshot(); // the viewport only: what is above the fold
        const hits = await findColour(page, shot, hexToRgb(OVERLAY_COLOURS.face));
        return hits.count > 40 && hits.box!.y + hits.box!.height <= PHONE.height;
      },
      { timeout: 60_000, intervals: [200] },
    )
    .toBe(true);
  await test
    .info()
    .attach('the first screen on a phone, camera running', { body: shot!, contentType: 'image/png' });

  // Dismissed once, the card stays away.
  await card.getByTestId('first-run-dismiss').click();
  await expect(card).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await expect(page.getByTestId('live')).toBeVisible();
  await expect(page.getByTestId('first-run')).toHaveCount(0);
  expect(errors).toEqual([]);
});
