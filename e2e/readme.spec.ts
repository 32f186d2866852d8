// The README's two examples, run as they stand there: the fenced blocks marked `js sentio-example` (the
// library) and `html sentio-embed` (one <script> on another site) are read from README.md at test time, so
// an edit that breaks either breaks this spec. The library example runs as a page's module script with an
// import map sending 'sentio' to the built embed module (sentio.mjs, what `import … from 'sentio'` gets
// from the package); the embed example runs on a page of a second origin loading sentio.js from the asset
// host. Both with the fake camera playing a real face photo; the test checks what the examples log.
import { expect, test, type Browser, type ConsoleMessage, type Page } from '@playwright/test';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildEmbed } from './fixtures/embed-build';
import { launchWithFaceCamera, workerTargets } from './fixtures/runtime-tour';
import { startStaticServer } from './fixtures/static-server';

const root = resolve(import.meta.dirname, '..');
const basePort = Number(process.env.SENTIO_E2E_PORT ?? 4173);
const ASSETS_PORT = basePort + 16; // the asset host, which also serves the library example's page
const SITE_PORT = basePort + 17; // the third-party site of the embed example (see e2e/PORTS.md)
/** Where the README's embed example says the asset host is; the test puts its own origin there. */
const README_ASSET_HOST = 'https://sentio.example/';
const cors = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };

/** The body of the one fenced block of README.md whose info string is `info`. */
function fencedBlock(readme: string, info: string): string {
  const blocks = [...readme.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1]!.trim() === info);
  if (blocks.length !== 1)
    throw new Error(`README.md must have exactly one \`\`\`${info} block; it has ${blocks.length}`);
  return blocks[0]![2]!;
}

let embedDir = '';
let siteDir = '';
let libraryExample = '';
let embedExample = '';

test.beforeAll(async () => {
  test.setTimeout(180_000); // the embed build
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  libraryExample = fencedBlock(readme, 'js sentio-example');
  embedExample = fencedBlock(readme, 'html sentio-embed');
  expect(libraryExample.split('\n').filter(Boolean).length).toBeLessThanOrEqual(15);
  // Five lines of code and the closing </script>.
  expect(embedExample.split('\n').filter(Boolean).length).toBeLessThanOrEqual(6);
  expect(embedExample).toContain(README_ASSET_HOST);

  embedDir = await buildEmbed();
  // The library example's page: the example itself as its module, the photo it fetches, the runtime files
  // under /sentio/ (its `base`) and an import map standing in for the consumer's bundler.
  await writeFile(join(embedDir, 'example.js'), libraryExample);
  await copyFile(join(root, 'e2e/fixtures/media/face-640x480.jpg'), join(embedDir, 'photo.jpg'));
  await writeFile(
    join(embedDir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>README example</title>
      <script type="importmap">{ "imports": { "sentio": "/sentio/sentio.mjs" } }</script></head>
      <body><script type="module" src="/example.js"></script></body></html>`,
  );
  await symlink(embedDir, join(embedDir, 'sentio'));
  siteDir = await mkdtemp(join(tmpdir(), 'sentio-readme-site-'));
});

test.afterAll(async () => {
  await rm(embedDir, { recursive: true, force: true });
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

/** The page's console lines and uncaught errors, as they come; `line` waits for one matching a pattern. */
interface PageLog {
  readonly lines: string[];
  readonly errors: string[];
  /** The first line matching `pattern`; rejects at once on an uncaught error, or after `timeoutMs`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

function record(page: Page): PageLog {
  const lines: string[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  page.on('console', (m: ConsoleMessage) => {
    lines.push(m.text());
    wake();
  });
  page.on('pageerror', (e) => {
    errors.push(`${e.name}: ${e.message}`);
    wake();
  });
  return {
    lines,
    errors,
    line: (pattern, timeoutMs = 120_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no console line matched ${pattern} in ${timeoutMs} ms; the page logged: ${JSON.stringify(lines)}`,
            ),
          );
        }, timeoutMs);
        function check() {
          const found = lines.find((l) => pattern.test(l));
          if (found === undefined && errors.length === 0) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`the example threw before logging ${pattern}: ${errors.join('; ')}`));
        }
        waiters.add(check);
        check();
      }),
  };
}

const INFERENCE_WORKER = /^\/sentio\/assets\/inference\.worker-[\w-]+\.js$/;
const FACE_MODEL = /^\/sentio\/models\/blazeface-front-128\//;

/** Each pattern names a path the asset host was asked for: what the example loaded came from `base`. */
function expectServed(requests: readonly string[], patterns: readonly RegExp[]): void {
  for (const p of patterns)
    expect(
      requests.some((q) => p.test(q)),
      `the asset host served ${String(p)}`,
    ).toBe(true);
}

async function withFaceCamera(run: (browser: Browser) => Promise<void>): Promise<void> {
  const browser = await launchWithFaceCamera();
  try {
    await run(browser);
  } finally {
    await browser.close();
  }
}

test('the library example: one face on the photo, a face from the camera, and close() ends every worker', async () => {
  test.setTimeout(300_000);
  const assets = await startStaticServer({ root: embedDir, port: ASSETS_PORT });
  try {
    await withFaceCamera(async (browser) => {
      const page = await browser.newPage();
      const log = record(page);
      const cdp = await page.context().newCDPSession(page);
      await page.goto(`${assets.origin}/`);
      expect(await log.line(/^photo: /)).toMatch(/^photo: 1 face\(s\), backend [\w-]+$/);
      const camera = await log.line(/^camera: /);
      expect(Number(/score (\d\.\d\d)$/.exec(camera)?.[1])).toBeGreaterThan(0.6);
      // The model ran in a worker loaded from base, on a model from base.
      expectServed(assets.requests, [INFERENCE_WORKER, FACE_MODEL]);
      // The example's last line, `await sentio.close()`: no dedicated worker is left (the browser's own list).
      await expect.poll(() => workerTargets(cdp), { timeout: 30_000 }).toEqual([]);
      expect(log.errors).toEqual([]);
    });
  } finally {
    await assets.close();
  }
});

test('the embed example: a page on another origin sees faces through one <script> from the asset host', async () => {
  test.setTimeout(300_000);
  const assets = await startStaticServer({ root: embedDir, port: ASSETS_PORT, headers: cors });
  const site = await startStaticServer({ root: siteDir, port: SITE_PORT });
  try {
    const page = embedExample.replaceAll(README_ASSET_HOST, `${assets.origin}/sentio/`);
    await writeFile(
      join(siteDir, 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><title>Someone else's site</title></head>
        <body><h1>A third-party page</h1>\n${page}</body></html>`,
    );
    await withFaceCamera(async (browser) => {
      const tab = await browser.newPage();
      const log = record(tab);
      await tab.goto(`${site.origin}/`);
      await log.line(/^faces: [1-9]\d*$/);
      // Everything but the page came from the asset host.
      expect(site.requests.filter((q) => q !== '/' && q !== '/favicon.ico')).toEqual([]);
      expectServed(assets.requests, [/^\/sentio\/sentio\.js$/, INFERENCE_WORKER, FACE_MODEL]);
      expect(log.errors).toEqual([]);
    });
  } finally {
    await Promise.all([assets.close(), site.close()]);
  }
});
