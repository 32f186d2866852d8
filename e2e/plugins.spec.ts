// The plugin sandbox and host in a real Chromium: network and storage isolation, grants, signatures,
// versions, and isolation of plugins that hang, throw or flood.
import { expect, test, type Page } from '@playwright/test';
import type { ManifestInput } from '../src/plugins/manifest';
import { startOrigin, type Origin } from './plugin-origins';

const GRANTED_PORT = 4675;
const FORBIDDEN_PORT = 4676;
let granted: Origin;
let forbidden: Origin;

test.beforeAll(async () => {
  granted = await startOrigin(GRANTED_PORT);
  forbidden = await startOrigin(FORBIDDEN_PORT);
});

test.afterAll(async () => {
  await granted?.close();
  await forbidden?.close();
});

test.beforeEach(() => {
  granted.hits.length = 0;
  forbidden.hits.length = 0;
});

const FAST_LIMITS = {
  healthIntervalMs: 100,
  healthTimeoutMs: 500,
  backoffMs: 100,
  maxRestarts: 2,
  errorWindowMs: 5000,
  maxErrorsInWindow: 3,
};

async function open(page: Page, limits: Record<string, number> = {}): Promise<void> {
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/e2e/pages/plugins.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'yes');
  await page.evaluate(async (l) => {
    window.h = await window.makeHarness({ limits: l });
  }, limits);
}

function manifest(id: string, capabilities: Partial<ManifestInput['capabilities']> = {}): ManifestInput {
  return {
    id,
    version: '1.0.0',
    kind: 'tool',
    name: id,
    entry: 'entry.js',
    capabilities: { subscribe: [], publish: [`plugin.${id}.>`], ...capabilities },
  };
}

/**
 * A plugin that tries every way out of the sandbox it can, towards each target origin, and publishes what
 * happened, with the CSP violations its worker saw.
 */
function probeSource(targets: string[]): string {
  return `
sentio.definePlugin({
  async init(ctx) {
    const violations = [];
    self.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective + ' ' + e.blockedURI));
    const result = {};
    const attempt = async (name, fn) => {
      try { result[name] = 'reached: ' + (await fn()); }
      catch (e) { result[name] = 'blocked: ' + e.name + ': ' + e.message; }
    };
    const timeout = (p) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 3000))]);
    for (const [i, t] of ${JSON.stringify(targets)}.entries()) {
      const ws = t.replace('http:', 'ws:');
      await attempt('fetch ' + i, async () => (await fetch(t + '/fetch')).status);
      await attempt('fetch no-cors ' + i, async () => (await fetch(t + '/no-cors', { mode: 'no-cors' })).type);
      await attempt('xhr ' + i, () => timeout(new Promise((res, rej) => {
        const x = new XMLHttpRequest(); x.open('GET', t + '/xhr');
        x.onload = () => res(x.status); x.onerror = () => rej(new Error('xhr error')); x.send();
      })));
      await attempt('websocket ' + i, () => timeout(new Promise((res, rej) => {
        const s = new WebSocket(ws + '/ws'); s.onopen = () => { res('open'); s.close(); }; s.onerror = () => rej(new Error('websocket error'));
      })));
      await attempt('eventsource ' + i, () => timeout(new Promise((res, rej) => {
        const s = new EventSource(t + '/sse'); s.onopen = () => { res('open'); s.close(); }; s.onerror = () => { s.close(); rej(new Error('eventsource error')); };
      })));
      await attempt('importScripts ' + i, () => { importScripts(t + '/import.js'); return 'ran'; });
      await attempt('image ' + i, () => { const img = new Image(); img.src = t + '/img'; return 'created'; });
      await attempt('beacon ' + i, () => navigator.sendBeacon(t + '/beacon', 'x'));
    }
    await new Promise((r) => setTimeout(r, 300));
    result.violations = violations;
    ctx.publish('plugin.probe.result', result);
  },
});`;
}

async function probeResult(page: Page): Promise<Record<string, string | string[]>> {
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.probe.result').length)).toBe(1);
  return page.evaluate(() => window.h.collected('plugin.probe.result')[0]!.payload as Record<string, string>);
}

async function start(page: Page, m: ManifestInput, source: string, grants?: object) {
  return page.evaluate(([m, src, g]) => window.h.start(m, src, g ?? undefined), [
    m,
    source,
    grants ?? null,
  ] as const);
}

test('a plugin without the network capability reaches no origin at all, not even the app', async ({
  page,
  baseURL,
}) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.probe.result'));
  expect(await start(page, manifest('probe'), probeSource([forbidden.url, baseURL!]))).toEqual({ ok: true });
  const r = await probeResult(page);
  for (const i of [0, 1]) {
    for (const way of ['fetch', 'fetch no-cors', 'xhr', 'websocket', 'eventsource', 'importScripts']) {
      expect(r[`${way} ${i}`], `${way} to target ${i}`).toMatch(/^blocked/);
    }
    // A worker has no DOM and no sendBeacon: the only ways to the network are the ones above.
    expect(r[`image ${i}`]).toMatch(/^blocked: ReferenceError/);
    expect(r[`beacon ${i}`]).toMatch(/^blocked: TypeError/);
  }
  // Blocked by the sandbox's Content-Security-Policy (not by a dead server: see the granted test).
  expect(r.violations).toEqual(
    expect.arrayContaining([
      `connect-src ${forbidden.url}/fetch`,
      `connect-src ${baseURL}/fetch`,
      `script-src-elem ${forbidden.url}/import.js`,
    ]),
  );
  expect(forbidden.hits).toEqual([]);
});

test('an <img> beacon from the sandbox document is blocked, and the document cannot reach the app', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.plantSecrets());
  expect(await start(page, manifest('idle'), 'sentio.definePlugin({});')).toEqual({ ok: true });
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  expect(frame).toBeTruthy();
  const r = await frame.evaluate(async (target) => {
    const out: Record<string, string> = {};
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
    const img = new Image();
    out.img = await new Promise<string>((resolve) => {
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('error');
      img.src = `${target}/beacon.gif`;
    });
    const attempt = (name: string, fn: () => unknown) => {
      try {
        out[name] = `reached: ${String(fn())}`;
      } catch (e) {
        out[name] = `blocked: ${(e as Error).name}`;
      }
    };
    attempt('cookie', () => document.cookie);
    attempt('indexedDB', () => indexedDB.open('sentio'));
    attempt('parentDom', () => window.parent.document.getElementById('secret')!.textContent);
    attempt('localStorage', () => localStorage.getItem('x'));
    out.origin = self.origin;
    await new Promise((r) => setTimeout(r, 200));
    out.violations = violations.join(', ');
    return out;
  }, forbidden.url);
  expect(r).toMatchObject({
    img: 'error',
    cookie: 'blocked: SecurityError',
    indexedDB: 'blocked: SecurityError',
    parentDom: 'blocked: SecurityError',
    localStorage: 'blocked: SecurityError',
    origin: 'null',
  });
  expect(r.violations).toContain(`img-src ${forbidden.url}/beacon.gif`);
  expect(forbidden.hits).toEqual([]);
});

test('with a network grant, only the granted origin is reachable', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.probe.result'));
  const m = manifest('probe', { network: [granted.url] });
  expect(await start(page, m, probeSource([granted.url, forbidden.url]))).toEqual({ ok: true });
  const r = await probeResult(page);
  expect(r).toMatchObject({
    'fetch 0': 'reached: 200',
    'fetch no-cors 0': 'reached: opaque',
    'xhr 0': 'reached: 200',
    'websocket 0': 'reached: open',
    'eventsource 0': 'reached: open',
  });
  // Code never comes from the network, even from a granted origin.
  expect(r['importScripts 0']).toMatch(/^blocked/);
  for (const way of ['fetch', 'fetch no-cors', 'xhr', 'websocket', 'eventsource', 'importScripts'])
    expect(r[`${way} 1`], way).toMatch(/^blocked/);
  expect(granted.hits).toEqual(
    expect.arrayContaining(['GET /fetch', 'GET /no-cors', 'GET /xhr', 'UPGRADE /ws', 'GET /sse']),
  );
  expect(granted.hits).not.toContain('GET /import.js');
  expect(forbidden.hits).toEqual([]);
});

test('the http-get example tool answers through its one allowlisted origin', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.h.collect('tool.http-get.result'));
  expect(await page.evaluate(() => window.h.startExample('http-get'))).toEqual({ ok: true });
  await page.evaluate(() => {
    window.h.publish('tool.http-get.request', { requestId: 1, path: '/weather?city=Lyon' });
    window.h.publish('tool.http-get.request', { requestId: 2, path: 'http://127.0.0.1:4676/x' });
  });
  await expect.poll(() => page.evaluate(() => window.h.collected('tool.http-get.result').length)).toBe(2);
  const results = await page.evaluate(() => window.h.collected('tool.http-get.result').map((e) => e.payload));
  expect(results).toContainEqual({
    requestId: 1,
    status: 200,
    body: JSON.stringify({ from: GRANTED_PORT, path: '/weather?city=Lyon' }),
  });
  expect(results).toContainEqual({ requestId: 2, error: 'path must start with "/"' });
  expect(granted.hits).toEqual(['GET /weather?city=Lyon']);
  expect(await page.evaluate(() => window.h.warnings)).toContainEqual(
    expect.stringMatching(/DEVELOPMENT KEY/),
  );
});
