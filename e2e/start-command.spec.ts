// The README's start command as a new user runs it: a fresh clone of this commit, `npm start`, and the app
// opened with the fake camera (a real face) and microphone (real speech). Every other spec builds the app
// itself; this one runs what the README tells people to run — its build, its server, the development
// endpoint.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CAMERA } from './fixtures/timeline';

const root = resolve(import.meta.dirname, '..');
const basePort = Number(process.env.SENTIO_E2E_PORT ?? 4173);
const APP_PORT = basePort + 8; // the brief's dev-server port for this checkout
const ENDPOINT_PORT = basePort + 7; // the development endpoint's
const appUrl = `http://127.0.0.1:${APP_PORT}/`;
const DEV_PORT = basePort + 15; // `npm run dev`'s
const devUrl = `http://127.0.0.1:${DEV_PORT}/`;

/** A clone of the commit under test. node_modules is hard-linked from this checkout (same lockfile, no
 *  minutes of `npm ci`), but without Vite's dependency cache: the dev server starts cold, as on a first run. */
function freshClone(dir: string): void {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--shared', '--no-checkout', root, dir]);
  execFileSync('git', ['checkout', '--quiet', head], { cwd: dir });
  execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
  execFileSync('rm', ['-rf', join(dir, 'node_modules', '.vite')]);
}

/** `npm <args>` in its own process group, so that stopping it stops Vite and the endpoint too. */
function npmRun(dir: string, output: string[], args: string[] = ['start']): ChildProcess {
  const child = spawn('npm', args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(APP_PORT),
      SENTIO_DEV_ENDPOINT_PORT: String(ENDPOINT_PORT),
      FORCE_COLOR: '0',
      NO_COLOR: '1',
    },
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  return child;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  process.kill(-child.pid, 'SIGTERM');
  const killed = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(killed);
}

async function serves(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  of: [number, number];
}

/** Where the astronaut's face is in face-640x480.jpg (as in app-live.spec.ts: hairline to chin). */
const ASTRONAUT_FACE = { x: 240, y: 55, width: 105, height: 130 };

/**
 * What a person sees at `url` with the fake camera and microphone: the app loads once, a face box lands on the
 * astronaut's face, the recording's first sentence is transcribed, and nothing is red.
 */
async function runsFaceAndTranscript(page: Page, url: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  const loads: string[] = [];
  const navigations: string[] = [];
  const errors: string[] = [];
  page.on('load', () => loads.push(page.url()));
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations.push(f.url());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const refused: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
  });

  await page.goto(url);
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/, { timeout: 60_000 });
  // A model that fails says so on the bus: the test stops there with the reason, not at a timeout.
  await page.evaluate(async () => {
    const w = window as unknown as { inferenceErrors: string[]; faceBoxes: unknown[] };
    w.inferenceErrors = [];
    w.faceBoxes = [];
    await window.sentio!.bus.subscribe(
      'inference.error',
      (e) => void w.inferenceErrors.push(JSON.stringify(e)),
    ).ready;
    await window.sentio!.bus.subscribe('vision.face', (e) => {
      const p = e.payload as { width: number; height: number; faces: { box: unknown }[] };
      for (const f of p.faces) w.faceBoxes.push({ ...(f.box as object), of: [p.width, p.height] });
    }).ready;
  });
  const inferenceErrors = () =>
    page.evaluate(() => (window as unknown as { inferenceErrors: string[] }).inferenceErrors);
  await page.getByTestId('start-sensors').click();
  await expect(page.getByTestId('live-camera-status')).toContainText('Camera: on');
  await expect(page.getByTestId('live-microphone-status')).toContainText('Microphone: on');
  await page.getByTestId('live').scrollIntoViewIfNeeded();

  // Face detection runs: a face event with a box over the astronaut's face (the production-build spec,
  // app-live, also checks the box by the pixels drawn; under a loaded dev server its answers can trail
  // the picture past the overlay's freshness limit). Polled cheaply: models warm up for minutes here.
  const faceBoxes = async () => {
    const failed = await inferenceErrors();
    if (failed.length > 0) throw new Error(`inference failed: ${failed.slice(0, 3).join('\n')}`);
    return page.evaluate(() => (window as unknown as { faceBoxes: FaceBox[] }).faceBoxes);
  };
  await expect
    .poll(async () => (await faceBoxes()).length, {
      timeout: 420_000,
      intervals: [1000],
      message: 'no face detected',
    })
    .toBeGreaterThan(0);
  const [first] = await faceBoxes();
  const centre = { x: first!.x + first!.width / 2, y: first!.y + first!.height / 2 };
  const scale = first!.of[0] / CAMERA.width;
  const f = ASTRONAUT_FACE;
  expect(centre.x / scale).toBeGreaterThan(f.x);
  expect(centre.x / scale).toBeLessThan(f.x + f.width);
  expect(centre.y / scale).toBeGreaterThan(f.y);
  expect(centre.y / scale).toBeLessThan(f.y + f.height);
  // Voice activity and Whisper run: the recording's first sentence is transcribed.
  await expect(page.getByTestId('live-transcript')).toContainText(/go\W+forward/i, { timeout: 300_000 });

  // The handle's stats are the worker's report, sent every 250 ms: the transcript can be on screen before the
  // report that counts it arrives.
  await expect
    .poll(() => page.evaluate(() => window.sentioApp!.perception!.stats().speech?.transcripts ?? 0), {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(1);
  const stats = await page.evaluate(() => window.sentioApp!.perception!.stats());
  expect(stats.face!.processed).toBeGreaterThan(0);
  expect(stats.face!.failed).toBe(0);
  expect(stats.speech!.transcripts).toBeGreaterThanOrEqual(1);
  // Nothing red: no failed sensor or model, nothing in the status bar, no Vite error overlay, no refused
  // runtime file.
  await expect(page.getByTestId('live-status').locator('.missing')).toHaveCount(0);
  await expect(page.getByTestId('status-bar').locator('.missing')).toHaveCount(0);
  await expect(page.locator('vite-error-overlay')).toHaveCount(0);
  expect(refused).toEqual([]);
  expect(await inferenceErrors()).toEqual([]);
  expect(errors).toEqual([]);
  // The page loaded once: the dev server did not re-bundle dependencies and reload it under the user.
  expect(navigations).toEqual([url]);
  expect(loads).toEqual([url]);
}

test('npm start in a fresh clone: a face and a transcript, no reload after load, nothing red', async ({
  page,
}) => {
  test.setTimeout(900_000); // clone, model copy, a cold dev server and every model warming up on 2 cores
  const dir = await mkdtemp(join(tmpdir(), 'sentio-start-'));
  const output: string[] = [];
  let app: ChildProcess | null = null;
  try {
    freshClone(dir);
    app = npmRun(dir, output);
    await expect
      .poll(
        async () => {
          if (app!.exitCode !== null) throw new Error(`npm start exited:\n${output.join('')}`);
          return serves(appUrl);
        },
        { timeout: 240_000, intervals: [500], message: `npm start never served ${appUrl}` },
      )
      .toBe(true);

    await runsFaceAndTranscript(page, appUrl);
    const log = output.join('');
    expect(log).not.toMatch(/optimized dependencies changed\. reloading/);
    expect(log).not.toMatch(/npm warn/i);
    // No build warnings of ours either (bundler timings, chunk sizes).
    expect(log).not.toMatch(/PLUGIN_TIMINGS|\(!\) /);

    // Offline right after this very first visit: meanwhile the service worker took the page and saved every
    // model and runtime. The reload runs face detection from the caches alone.
    await expect(page.getByTestId('offline-status')).toHaveText('Ready to work offline.', {
      timeout: 300_000,
    });
    await page.context().setOffline(true);
    await page.reload();
    await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/, { timeout: 60_000 });
    await page.getByTestId('start-sensors').click();
    await expect
      .poll(() => page.evaluate(() => window.sentioApp!.perception!.stats().face?.processed ?? 0), {
        timeout: 300_000,
        intervals: [1000],
        message: 'no face processed offline',
      })
      .toBeGreaterThan(0);
    await expect(page.getByTestId('live-status').locator('.missing')).toHaveCount(0);
  } finally {
    if (app) await stopGroup(app);
    await test.info().attach('npm start output', { body: output.join(''), contentType: 'text/plain' });
    await rm(dir, { recursive: true, force: true });
  }
});

test('npm run dev in a fresh clone (the dev server, cold): a face and a transcript, no reload after load, nothing red', async ({
  page,
}) => {
  test.setTimeout(900_000);
  const dir = await mkdtemp(join(tmpdir(), 'sentio-dev-'));
  const output: string[] = [];
  let dev: ChildProcess | null = null;
  try {
    freshClone(dir);
    // The dev server serves the models and runtimes from public/, as `npm start` leaves them.
    execFileSync('node', ['scripts/prepare-models.mjs'], { cwd: dir, stdio: 'ignore' });
    dev = npmRun(dir, output, [
      'run',
      'dev',
      '--',
      '--port',
      String(DEV_PORT),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ]);
    await expect
      .poll(
        async () => {
          if (dev!.exitCode !== null) throw new Error(`npm run dev exited:\n${output.join('')}`);
          return serves(devUrl);
        },
        { timeout: 120_000, intervals: [500], message: `npm run dev never served ${devUrl}` },
      )
      .toBe(true);
    await runsFaceAndTranscript(page, devUrl);
    expect(output.join('')).not.toMatch(/optimized dependencies changed\. reloading|\[vite\].*error/i);
  } finally {
    if (dev) await stopGroup(dev);
    await test.info().attach('npm run dev output', { body: output.join(''), contentType: 'text/plain' });
    await rm(dir, { recursive: true, force: true });
  }
});
