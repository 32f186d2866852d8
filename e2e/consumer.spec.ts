// A project that is not Sentio installs it from `npm pack`, copies its runtime files with `sentio assets`,
// bundles it with its own Vite and serves the result from a plain static server (no COOP/COEP, the
// single-threaded path). See fixtures/consumer-project.ts for how the project is made.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createConsumerProject, type ConsumerProject } from './fixtures/consumer-project';
import { startStaticServer, type StaticServer } from './fixtures/static-server';
import type { EmbedBus } from '../src/embed';
import { serveMedia } from './fixtures/serve-media';
import {
  closeTour,
  launchWithFaceCamera,
  runtimeTour,
  TOUR_AGENT_SOURCE,
  workerTargets,
} from './fixtures/runtime-tour';

const root = resolve(import.meta.dirname, '..');
const PORT = Number(process.env.SENTIO_E2E_PORT ?? 4173) + 13; // see e2e/PORTS.md
const manifest = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8')) as {
  models: { id: string; files: { path: string; size: number; sha256: string }[] }[];
};

// The consumer's own code: it imports Sentio by its package name, as any npm project would.
const FILES = {
  'index.html': `<!doctype html><html><head><meta charset="utf-8"><title>A consumer</title></head>
    <body><h1>Not Sentio</h1><script type="module" src="./main.js"></script></body></html>`,
  'main.js': `import * as sentio from 'sentio';
    window.bus = sentio.connect({ name: 'consumer', base: '/sentio/' });
    window.sentio = sentio;
    // The consumer's own agent worker, built by its bundler like any worker.
    window.agentWorker = (name) => new Worker(new URL('./agents.js', import.meta.url), { type: 'module', name });`,
  'agents.js': TOUR_AGENT_SOURCE('sentio'),
  // A page the consumer's build does not bundle (public/ is copied as it is): one classic <script>.
  'public/classic.html': `<!doctype html><html><head><meta charset="utf-8"><title>Classic</title></head>
    <body><script src="/sentio/sentio.js"></script>
    <script>window.bus = Sentio.connect({ name: 'classic', base: '/sentio/' });</script></body></html>`,
};

let project: ConsumerProject;
let server: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(900_000); // pack (builds the package), install from npm's cache, 80 MB of models, a build
  project = await createConsumerProject(FILES);
  server = await startStaticServer({ root: join(project.dir, 'dist'), port: PORT });
});

test.afterAll(async () => {
  await server?.close();
  if (project) await rm(dirname(project.dir), { recursive: true, force: true });
});

test('the packed tarball installs without warnings, and sentio assets copies and lists every model file, checked', () => {
  // No placeholder overrides to dangle (404), no engine Node 20 cannot run, no peer to force.
  expect(project.installLog).not.toMatch(/EBADENGINE|ERESOLVE|E404|npm-placeholder|deprecated/);
  for (const model of manifest.models) {
    for (const file of model.files) {
      const path = `models/${model.id}/${file.path}`;
      expect(project.assetsLog, path).toContain(path);
      const copied = readFileSync(join(project.dir, 'public/sentio', path));
      expect(copied.length, path).toBe(file.size);
      expect(createHash('sha256').update(copied).digest('hex'), path).toBe(file.sha256);
    }
  }
  for (const served of ['sentio.js', 'sentio.mjs', 'runtime/ort/ort-wasm-simd-threaded.wasm'])
    expect(project.assetsLog).toContain(served);
  // Only the WASM a backend loads.
  expect(project.assetsLog).not.toMatch(/\.jsep\.|\.jspi\./);
  expect(project.assetsLog).toMatch(/^\d+ files, [\d.]+ MB$/m);
});

for (const page of [
  { name: 'bundled by the consumer (import from "sentio")', path: '/' },
  { name: 'the classic script from sentio assets', path: '/classic.html' },
]) {
  test(`${page.name}: the bus starts from base on a page without COOP/COEP`, async ({ page: tab }) => {
    await tab.goto(`${server.origin}${page.path}`);
    expect(await tab.evaluate(() => crossOriginIsolated)).toBe(false);
    const hello = await tab.evaluate(async () => {
      const bus = (window as unknown as { bus: EmbedBus }).bus;
      const h = await bus.ready;
      const got = new Promise((ok) => bus.subscribe('consumer.ping', (e) => ok(e.payload)));
      bus.publish('consumer.ping', { n: 1 }, { privacy: 'public' });
      return { hub: h.hub, payload: await got };
    });
    expect(hello.payload).toEqual({ n: 1 });
    // The hub script came from where sentio assets put it, under the URL given as base.
    expect(
      server.requests.some((p) => /^\/sentio\/assets\/bus\.(shared|dedicated)-[\w-]+\.js$/.test(p)),
    ).toBe(true);
  });
}

test('createSentio from "sentio" with base: faces from the camera, none on a no-face photo, an agent reacts, close() ends every worker', async () => {
  test.setTimeout(300_000);
  const browser = await launchWithFaceCamera();
  try {
    const page = await browser.newPage();
    await serveMedia(page);
    await page.goto(`${server.origin}/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const cdp = await page.context().newCDPSession(page);
    const r = await runtimeTour(page, {
      lib: 'sentio',
      base: '/sentio/',
      agentWorker: { spawn: 'agentWorker' },
      noFacePhoto: '/__media/noface-640x480.jpg',
    });
    expect(r.base).toBe(`${server.origin}/sentio/`);
    expect(r.noFace.faces).toBe(0);
    expect(r.face.faces).toBeGreaterThan(0);
    expect(r.face.score).toBeGreaterThan(0.6);
    expect(r.agent.seen).toBeGreaterThan(0);
    expect(typeof r.agent.expression).toBe('string');
    // The workers, WASM and models came from base, where sentio assets put them.
    for (const p of [
      /^\/sentio\/assets\/inference\.worker-[\w-]+\.js$/,
      /^\/sentio\/runtime\/ort\/.+\.wasm$/,
      /^\/sentio\/models\/blazeface-front-128\//,
      /^\/sentio\/models\/emotion-7\//,
    ])
      expect(
        server.requests.some((q) => p.test(q)),
        String(p),
      ).toBe(true);
    // Running now: the inference and agent workers; close() ends them (the browser's own list, via CDP).
    expect((await workerTargets(cdp)).length).toBeGreaterThanOrEqual(2);
    await closeTour(page);
    await expect.poll(() => workerTargets(cdp), { timeout: 30_000 }).toEqual([]);
    await expect.poll(() => page.workers().length, { timeout: 30_000 }).toBe(0);
  } finally {
    await browser.close();
  }
});
