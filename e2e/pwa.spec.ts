// The PWA: offline after the first visit (browser offline, and the server really gone), models cached at
// run time, installability, and the "new version available" flow against a changed build.
import { expect, test, chromium, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromiumPath, DEFAULT_ARGS } from './fixtures/chromium';
import { startStaticServer } from './fixtures/static-server';

const root = resolve(import.meta.dirname, '..');
const built = resolve(root, 'dist-e2e'); // the webServer's build, made before any test runs
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
/** Second-origin ports of this checkout (SENTIO_E2E_PORT + 3, + 4), so parallel checkouts do not collide. */
const basePort = Number(process.env.SENTIO_E2E_PORT ?? 4173);

async function waitForServiceWorker(page: Page): Promise<void> {
  // The shell is precached; "Ready to work offline." needs the models too (see offline-live.spec.ts).
  // Installing precaches the whole shell: on a loaded machine that can take well over expect's default 15 s.
  await expect(page.getByTestId('offline-status')).toHaveText(/^(Opens offline\.|Ready to work offline\.)/, {
    timeout: 90_000,
  });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

async function expectAppRunning(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sentio', level: 1 })).toBeVisible();
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  // The cached index.html keeps its COOP/COEP headers, so the page stays isolated offline.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
}

test('the app reloads offline after the first visit', async ({ page, context }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await expectAppRunning(page);
  // Proof that the reload had no network (the cache served it): anything not cached is refused. Not
  // navigator.onLine: this Chromium reports true after a reload under offline emulation.
  const uncached = await page.evaluate(() =>
    fetch(`/not-cached-${Math.random()}`, { cache: 'no-store' }).then(
      (r) => `answered ${r.status}`,
      (e: Error) => `refused: ${e.message}`,
    ),
  );
  expect(uncached).toMatch(/^refused/);
});

test('with the server stopped the app still opens, and a model fetched once is served from the cache', async ({
  page,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'sentio-pwa-'));
  await cp(built, dir, { recursive: true });
  await mkdir(join(dir, 'models'), { recursive: true });
  await writeFile(join(dir, 'models', 'probe.json'), JSON.stringify({ model: 'probe', bytes: 12 }));
  const server = await startStaticServer({ root: dir, port: basePort + 3, headers: isolation });
  try {
    await page.goto(`${server.origin}/`);
    await waitForServiceWorker(page);
    await page.reload(); // now controlled by the service worker
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    const first = await page.evaluate(async () => (await fetch('/models/probe.json')).json());
    expect(first).toEqual({ model: 'probe', bytes: 12 });
    await server.close();
    await page.reload();
    await expectAppRunning(page);
    const cached = await page.evaluate(async () => (await fetch('/models/probe.json')).json());
    expect(cached).toEqual(first);
    // A model never fetched while online is not invented: the request fails.
    const missing = await page.evaluate(async () =>
      fetch('/models/never-seen.json').then(
        (r) => `status ${r.status}`,
        (e: Error) => e.name,
      ),
    );
    expect(missing).toBe('TypeError');
  } finally {
    await server.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

test('the app is installable (no installability errors in a persistent profile)', async ({ baseURL }) => {
  const profile = await mkdtemp(join(tmpdir(), 'sentio-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: DEFAULT_ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseURL}/`);
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const { url, errors } = await cdp.send('Page.getAppManifest');
    expect(url).toBe(`${baseURL}/manifest.webmanifest`);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});

test('a new build is offered, not forced: the page reloads into it when the user accepts', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const v1 = await mkdtemp(join(tmpdir(), 'sentio-v1-'));
  const v2 = await mkdtemp(join(tmpdir(), 'sentio-v2-'));
  await cp(built, v1, { recursive: true });
  await promisify(execFile)(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--mode',
      'e2e',
      '--outDir',
      v2,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: root, env: { ...process.env, VITE_SENTIO_BUILD: 'v2-test' } },
  );
  const server = await startStaticServer({ root: v1, port: basePort + 4, headers: isolation });
  try {
    await page.goto(`${server.origin}/`);
    await waitForServiceWorker(page);
    await expect(page.getByTestId('app-version')).toHaveText('Sentio build local');

    server.setRoot(v2);
    await page.reload(); // the navigation makes the browser check the service worker for an update
    const banner = page.getByTestId('update-banner');
    await expect(banner).toContainText('A new version of Sentio is available.');
    // Until the user accepts, the running version stays.
    await expect(page.getByTestId('app-version')).toHaveText('Sentio build local');
    await banner.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByTestId('app-version')).toHaveText('Sentio build v2-test');
    await expect(page.getByTestId('update-banner')).toHaveCount(0);
  } finally {
    await server.close();
    await rm(v1, { recursive: true, force: true });
    await rm(v2, { recursive: true, force: true });
  }
});
