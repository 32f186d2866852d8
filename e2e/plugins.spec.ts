// The plugin sandbox and host in a real Chromium: network and storage isolation, grants, signatures,
// versions, and isolation of plugins that hang, throw or flood.
import { expect, test, type Page } from '@playwright/test';
import type { ManifestInput } from '../src/plugins/manifest';
import { startOrigin, type Origin } from './plugin-origins';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';

function meanLuma(file: string): number {
  const img = jpeg.decode(readFileSync(file));
  let sum = 0;
  for (let i = 0; i < img.data.length; i += 4)
    sum += 0.2126 * img.data[i]! + 0.7152 * img.data[i + 1]! + 0.0722 * img.data[i + 2]!;
  return sum / (img.width * img.height) / 255;
}

// Derived from this checkout's e2e port, so parallel checkouts never collide on them.
const BASE_PORT = Number(process.env.SENTIO_E2E_PORT ?? 4173);
const GRANTED_PORT = BASE_PORT + 9;
const FORBIDDEN_PORT = BASE_PORT + 10;
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
  page.on('pageerror', (e) => console.log('pageerror:', e.name, e.message, e.stack));
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
  // As shipped it is signed with the development key and allowlists a fixed example origin; started so, it
  // runs, loudly. The requests go to a copy re-signed here for this run's granted origin.
  expect(await page.evaluate(() => window.h.startExample('http-get'))).toEqual({ ok: true });
  expect(await page.evaluate(() => window.h.warnings)).toContainEqual(
    expect.stringMatching(/DEVELOPMENT KEY/),
  );
  const example = await page.evaluate(() => window.h.example('http-get'));
  const { signature: _signature, ...shipped } = example.manifest as ManifestInput & { signature: unknown };
  const m = { ...shipped, capabilities: { ...shipped.capabilities, network: [granted.url] } };
  expect(await start(page, m, example.entry)).toEqual({ ok: true });
  await page.evaluate((forbiddenUrl) => {
    window.h.publish('tool.http-get.request', { requestId: 1, path: '/weather?city=Lyon' });
    window.h.publish('tool.http-get.request', { requestId: 2, path: `${forbiddenUrl}/x` });
  }, forbidden.url);
  await expect.poll(() => page.evaluate(() => window.h.collected('tool.http-get.result').length)).toBe(2);
  const results = await page.evaluate(() => window.h.collected('tool.http-get.result').map((e) => e.payload));
  expect(results).toContainEqual({
    requestId: 1,
    status: 200,
    body: JSON.stringify({ from: GRANTED_PORT, path: '/weather?city=Lyon' }),
  });
  expect(results).toContainEqual({ requestId: 2, error: 'path must start with "/"' });
  expect(granted.hits).toEqual(['GET /weather?city=Lyon']);
  expect(forbidden.hits).toEqual([]);
});

test("a plugin cannot read the app's IndexedDB, cookies or DOM; ungranted subscriptions and publishes are refused and counted", async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.plantSecrets());
  await page.evaluate(() => window.h.collect('plugin.snoop.>'));
  await page.evaluate(() => window.h.collect('agent.>'));
  const source = `
sentio.definePlugin({
  async init(ctx) {
    const r = {};
    const attempt = async (name, fn) => {
      try { r[name] = 'reached: ' + JSON.stringify(await fn()); } catch (e) { r[name] = 'blocked: ' + e.name + ': ' + e.message; }
    };
    await attempt('indexedDB', () => new Promise((res, rej) => {
      const q = indexedDB.open('sentio'); q.onsuccess = () => res(q.result.objectStoreNames.length); q.onerror = () => rej(q.error);
    }));
    await attempt('databases', () => indexedDB.databases());
    await attempt('caches', () => caches.keys());
    await attempt('cookieStore', () => cookieStore.getAll());
    await attempt('document', () => document.cookie);
    await attempt('parent', () => parent.document.body.innerHTML);
    await attempt('storageManager', () => navigator.storage.estimate());
    await attempt('subscribe camera frames', () => ctx.subscribe('camera.front.frame'));
    await attempt('subscribe everything', () => ctx.subscribe('>'));
    await attempt('subscribe granted', () => ctx.subscribe('vision.face.>'));
    ctx.publish('agent.action.unlock', { door: 'front' });
    ctx.publish('plugin.snoop.result', r);
  },
  onEvent(event, ctx) { ctx.publish('plugin.snoop.seen', event.topic); },
});`;
  const m = manifest('snoop', { subscribe: ['vision.face.>'] });
  expect(await start(page, m, source)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.snoop.>').length)).toBe(1);
  const r = await page.evaluate(
    () => window.h.collected('plugin.snoop.>')[0]!.payload as Record<string, string>,
  );
  expect(r.indexedDB).toMatch(/^blocked: SecurityError/);
  expect(r.databases).toMatch(/^blocked: SecurityError/);
  expect(r.caches).toMatch(/^blocked: (SecurityError|ReferenceError)/);
  expect(r.cookieStore).toMatch(/^blocked: ReferenceError/);
  expect(r.document).toMatch(/^blocked: ReferenceError/);
  expect(r.parent).toMatch(/^blocked: ReferenceError/);
  expect(r['subscribe camera frames']).toMatch(
    /^blocked: CapabilityError: "camera.front.frame" is not within the granted topics/,
  );
  expect(r['subscribe everything']).toMatch(/^blocked: CapabilityError/);
  expect(r['subscribe granted']).toBe('reached: undefined');

  // The granted subscription works; camera frames published meanwhile never reach the plugin.
  await page.evaluate(() => {
    window.h.publish('camera.front.frame', { pixels: [1, 2, 3] }, 'local');
    window.h.publish('vision.face.expression', { smile: 0.9 });
  });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.snoop.>').length)).toBe(2);
  expect(await page.evaluate(() => window.h.collected('plugin.snoop.>')[1]!.payload)).toBe(
    'vision.face.expression',
  );
  expect(await page.evaluate(() => window.h.collected('agent.>').length)).toBe(0);
  const stats = await page.evaluate(() => window.h.stats('snoop')!);
  expect(stats.refused).toMatchObject({ subscribe: 2, publish: 1 });
  expect(stats.handled).toBe(1);
  expect(stats.state.status).toBe('running');
});

test('events from a plugin are checked: malformed, spoofed source and over-rate are refused and counted', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.liar.>'));
  const source = `
sentio.definePlugin({
  init(ctx) {
    // Bypass the runtime and talk to the port directly, like a hostile plugin would.
    const ok = { id: '0190f5e4-7c3a-7000-8000-000000000000', type: 't', topic: 'plugin.liar.x', ts: 1, source: 'plugin.liar', privacy: 'private', qos: 'batched', payload: 1 };
    ctx.publish('plugin.liar.fine', 1);
    self.liarEvents = [
      { ...ok, id: 'not-a-uuid' },
      { ...ok, source: 'agent.coach' },
      { ...ok, topic: 'plugin.liar.>' },
      { ...ok, payload: undefined },
    ];
    for (const e of self.liarEvents) ctx.publish(e.topic, e.payload, {});
  },
});`;
  // The runtime fills the fields itself, so to send bad events this plugin overrides ctx.publish's output
  // by posting on the port it captured during connect.
  const hostile = source.replace(
    'sentio.definePlugin({',
    `const realPost = MessagePort.prototype.postMessage;
let port;
MessagePort.prototype.postMessage = function (m, t) { port = this; return realPost.call(this, m, t); };
setTimeout(() => {
  port.postMessage({ type: 'publish', events: self.liarEvents });
  port.postMessage({ type: 'publish', events: 'nope' });
  port.postMessage({ type: 'bogus' });
  for (let i = 0; i < 50; i++) port.postMessage({ type: 'publish', events: [] });
}, 50);
sentio.definePlugin({`,
  );
  expect(await start(page, manifest('liar', { messagesPerSecond: 20 }), hostile)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.stats('liar')!.refused.rate)).toBeGreaterThan(0);
  const stats = await page.evaluate(() => window.h.stats('liar')!);
  expect(stats.refused.invalid).toBeGreaterThanOrEqual(3);
  expect(stats.refused.source).toBe(1);
  expect(stats.refused.message).toBe(2);
  expect(stats.lastError).toBeTruthy();
  const topics = await page.evaluate(() => window.h.collected('plugin.liar.>').map((e) => e.topic));
  expect(topics).toContain('plugin.liar.fine');
  expect(topics.every((t) => t === 'plugin.liar.fine' || t === 'plugin.liar.x')).toBe(true);
});

test('forged signatures, tampered entries and untrusted or missing signatures are refused with a clear error', async ({
  page,
}) => {
  await open(page);
  const m = manifest('signed');
  const source = `sentio.definePlugin({ init(ctx) { ctx.publish('plugin.signed.hello', 1); } });`;
  const results = await page.evaluate(
    async ([m, source]) => {
      const h = window.h;
      const good = await h.sign(m, source);
      const tamperedEntry = { ...good, entry: [...good.entry.slice(0, -3), 0x20, 0x20, 0x20] };
      const sig = (good.manifest as { signature: { value: string } }).signature;
      const flipped = atob(sig.value);
      const forgedValue = btoa(String.fromCharCode(flipped.charCodeAt(0) ^ 1) + flipped.slice(1));
      const forged = {
        ...good,
        manifest: { ...(good.manifest as object), signature: { ...sig, value: forgedValue } },
      };
      const widened = {
        ...good,
        manifest: {
          ...(good.manifest as object),
          capabilities: { ...m.capabilities, network: ['https://evil.example'] },
        },
      };
      const unknownKey = {
        ...good,
        manifest: { ...(good.manifest as object), signature: { ...sig, keyId: 'someone' } },
      };
      const { signature: _s, ...unsignedManifest } = good.manifest as Record<string, unknown>;
      const unsigned = { ...good, manifest: unsignedManifest };
      const badManifest = { ...good, manifest: { ...(good.manifest as object), version: 'latest' } };
      return {
        tamperedEntry: await h.startPackage(tamperedEntry),
        forged: await h.startPackage(forged),
        widened: await h.startPackage(widened),
        unknownKey: await h.startPackage(unknownKey),
        unsigned: await h.startPackage(unsigned),
        badManifest: await h.startPackage(badManifest),
        good: await h.startPackage(good),
      };
    },
    [m, source] as const,
  );
  const forgery = /does not match the manifest and entry \(forged, or tampered with after signing\)/;
  expect(results.tamperedEntry).toMatchObject({
    ok: false,
    error: { name: 'SignatureError', problem: 'bad-signature' },
  });
  expect(results.tamperedEntry).toMatchObject({ error: { message: expect.stringMatching(forgery) } });
  expect(results.forged).toMatchObject({
    ok: false,
    error: { problem: 'bad-signature', message: expect.stringMatching(forgery) },
  });
  expect(results.widened).toMatchObject({ ok: false, error: { problem: 'bad-signature' } });
  expect(results.unknownKey).toMatchObject({
    ok: false,
    error: {
      problem: 'unknown-key',
      message: 'plugin signed refused: signed by "someone", which is not a trusted key',
    },
  });
  expect(results.unsigned).toMatchObject({ ok: false, error: { problem: 'unsigned' } });
  expect(results.badManifest).toMatchObject({
    ok: false,
    error: { name: 'ManifestError', field: 'version' },
  });
  expect(results.good).toEqual({ ok: true });
  // Nothing refused ever ran: no sandbox was created for it.
  expect(await page.locator('iframe[data-sentio-plugin]').count()).toBe(1);
});

test('development mode runs an unsigned plugin, loudly', async ({ page }) => {
  await page.goto('/e2e/pages/plugins.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'yes');
  await page.evaluate(async () => {
    window.h = await window.makeHarness({ verify: { allowUnsigned: true } });
  });
  await page.evaluate(() => window.h.collect('plugin.dev.>'));
  const result = await page.evaluate(async () => {
    const { signature: _s, ...unsigned } = (
      await window.h.sign(
        {
          id: 'dev',
          version: '0.0.1',
          kind: 'tool',
          name: 'dev',
          entry: 'entry.js',
          capabilities: { subscribe: [], publish: ['plugin.dev.>'] },
        },
        `sentio.definePlugin({ init(ctx) { ctx.publish('plugin.dev.up', true); } });`,
      )
    ).manifest as Record<string, unknown>;
    const entry = [
      ...new TextEncoder().encode(
        `sentio.definePlugin({ init(ctx) { ctx.publish('plugin.dev.up', true); } });`,
      ),
    ];
    return window.h.startPackage({ manifest: unsigned, entry });
  });
  expect(result).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.dev.>').length)).toBe(1);
  expect(await page.evaluate(() => window.h.warnings)).toContainEqual(
    expect.stringMatching(/DEVELOPMENT MODE: running UNSIGNED plugin dev@0.0.1/),
  );
});

test('upgrade then rollback: the store keeps both versions and the host runs the active one', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.versioned.>'));
  const source = (v: string) =>
    `sentio.definePlugin({ onEvent(e, ctx) { ctx.publish('plugin.versioned.answer', '${v}'); }, async init(ctx) { await ctx.subscribe('question'); } });`;
  const m = (version: string): ManifestInput => ({
    ...manifest('versioned', { subscribe: ['question'] }),
    version,
  });
  const answer = async () => {
    const before = await page.evaluate(() => window.h.collected('plugin.versioned.>').length);
    await page.evaluate(() => window.h.publish('question', 'which version?'));
    await expect
      .poll(() => page.evaluate(() => window.h.collected('plugin.versioned.>').length))
      .toBe(before + 1);
    return page.evaluate(() => window.h.collected('plugin.versioned.>').at(-1)!.payload);
  };
  const install = (version: string) =>
    page.evaluate(async ([m, s]) => window.h.install(await window.h.sign(m, s)), [
      m(version),
      source(version),
    ] as const);

  expect(await install('1.0.0')).toEqual({ ok: true });
  expect(await page.evaluate(() => window.h.startInstalled('versioned'))).toEqual({ ok: true });
  expect(await answer()).toBe('1.0.0');

  expect(await install('1.1.0')).toEqual({ ok: true });
  expect(await page.evaluate(() => window.h.startInstalled('versioned'))).toEqual({ ok: true });
  expect(await answer()).toBe('1.1.0');
  expect(await page.evaluate(() => window.h.versions('versioned'))).toMatchObject([
    { version: '1.0.0', active: false },
    { version: '1.1.0', active: true },
  ]);

  expect(await install('0.9.0')).toMatchObject({ ok: false, error: { name: 'PluginVersionError' } });
  expect(await page.evaluate(() => window.h.rollback('versioned'))).toBe('1.0.0');
  expect(await page.evaluate(() => window.h.startInstalled('versioned'))).toEqual({ ok: true });
  expect(await answer()).toBe('1.0.0');
  // One sandbox: the previous version's was torn down when the next one started.
  expect(await page.locator('iframe[data-sentio-plugin]').count()).toBe(1);
});

/** Starts an echo plugin that answers every `work` event: the rest of the runtime, whose service is watched. */
async function startEcho(page: Page): Promise<void> {
  await page.evaluate(() => window.h.collect('plugin.echo.>'));
  const echo = `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent(e, ctx) { ctx.publish('plugin.echo.done', e.payload); } });`;
  expect(
    await start(page, manifest('echo', { subscribe: ['work'], messagesPerSecond: 10_000 }), echo),
  ).toEqual({
    ok: true,
  });
}

/** Publishes `work` events every 50 ms until `id` is disabled; returns how many were published. */
async function workUntilDisabled(page: Page, id: string): Promise<number> {
  return page.evaluate(async (id) => {
    let n = 0;
    const deadline = Date.now() + 30_000;
    while (window.h.stats(id)?.state.status !== 'disabled' && Date.now() < deadline) {
      for (let i = 0; i < 5; i++) window.h.publish('work', n++);
      await new Promise((r) => setTimeout(r, 50));
    }
    return n;
  }, id);
}

test('a plugin stuck in an infinite loop is restarted with backoff, then disabled; the others keep working', async ({
  page,
}) => {
  await open(page, FAST_LIMITS);
  await startEcho(page);
  const loop = `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent() { for (;;) {} } });`;
  expect(await start(page, manifest('looper', { subscribe: ['work'] }), loop)).toEqual({ ok: true });
  const published = await workUntilDisabled(page, 'looper');
  const stats = await page.evaluate(() => window.h.stats('looper')!);
  expect(stats.state).toMatchObject({ status: 'disabled', after: 'unresponsive' });
  expect(stats.failures.unresponsive).toBe(3); // the first run and its two restarts
  expect(stats.restarts).toBe(2);
  expect(stats.failureRate).toBeGreaterThan(0);
  // Its sandbox is gone; the echo plugin accounted for every event published meanwhile: answered, or — when
  // the looping plugin starved its worker of CPU on a 2-core machine — dropped from its backlog and counted.
  expect(await page.locator('iframe[data-sentio-plugin^="looper"]').count()).toBe(0);
  await expect
    .poll(() =>
      page.evaluate(
        () => window.h.collected('plugin.echo.>').length + window.h.stats('echo')!.droppedBacklog,
      ),
    )
    .toBe(published);
  expect(await page.evaluate(() => window.h.collected('plugin.echo.>').length)).toBeGreaterThan(
    published / 2,
  );
  expect(await page.evaluate(() => window.h.stats('echo')!.state.status)).toBe('running');
  const statuses = await page.evaluate(() => window.h.hostStats());
  expect(statuses.failureRate).toBeGreaterThan(0);
});

test('a plugin that throws on every event is isolated and counted; one whose entry does not load is disabled at once', async ({
  page,
}) => {
  await open(page, FAST_LIMITS);
  await startEcho(page);
  const thrower = `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent(e) { throw new RangeError('bad event ' + e.payload); } });`;
  expect(await start(page, manifest('thrower', { subscribe: ['work'] }), thrower)).toEqual({ ok: true });
  const published = await workUntilDisabled(page, 'thrower');
  const stats = await page.evaluate(() => window.h.stats('thrower')!);
  expect(stats.state).toMatchObject({ status: 'disabled', after: 'handler' });
  expect(stats.failures.handler).toBe(9); // 3 errors in the window, three times
  expect(stats.lastError).toMatch(/^RangeError: bad event \d+$/);
  expect(stats.failureRate).toBeGreaterThan(0.5);
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.echo.>').length)).toBe(published);

  const broken = await start(page, manifest('broken'), 'sentio.definePlugin({ init( {');
  expect(broken).toMatchObject({
    ok: false,
    error: { name: 'PluginFault', message: expect.stringMatching(/plugin broken disabled: SyntaxError/) },
  });
  const none = await start(page, manifest('nothing'), '// defines nothing');
  expect(none).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(/did not call sentio.definePlugin/) },
  });
  expect(await page.evaluate(() => window.h.stats('broken')!.restarts)).toBe(0);
});

test('a flooding plugin is rate limited, then isolated; the bus keeps serving the others', async ({
  page,
}) => {
  await open(page, { ...FAST_LIMITS, floodRefusalsInWindow: 200 });
  await startEcho(page);
  await page.evaluate(() => window.h.collect('plugin.flood.>'));
  const flood = `sentio.definePlugin({ init(ctx) { setInterval(() => { for (let i = 0; i < 500; i++) ctx.publish('plugin.flood.spam', i); }, 5); } });`;
  // One publish batch per microtask costs its size in tokens: 500 events > the 100/s bucket, so all are refused.
  expect(await start(page, manifest('flood', { messagesPerSecond: 100 }), flood)).toEqual({ ok: true });
  const published = await workUntilDisabled(page, 'flood');
  const stats = await page.evaluate(() => window.h.stats('flood')!);
  expect(stats.state).toMatchObject({ status: 'disabled', after: 'flood' });
  expect(stats.refused.rate).toBeGreaterThanOrEqual(600);
  expect(stats.published).toBe(0);
  expect(await page.evaluate(() => window.h.collected('plugin.flood.>').length)).toBe(0);
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.echo.>').length)).toBe(published);
});

test('the frame-motion example extracts brightness and motion from real camera frames', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.frame-motion.>'));
  expect(await page.evaluate(() => window.h.startExample('frame-motion'))).toEqual({ ok: true });
  // The fake camera alternates a face photo and a photo of a cup every 2 s: 5 s cover both and two cuts.
  const sent = await page.evaluate(() => window.h.streamCameraThumbs(5000, 100));
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.frame-motion.>').length)).toBe(sent);
  const features = await page.evaluate(() =>
    window.h.collected('plugin.frame-motion.>').map((e) => ({
      topic: e.topic,
      privacy: e.privacy,
      ...(e.payload as { brightness: number; motion: number }),
    })),
  );
  // Reference: the mean luma of each fixture photo, decoded here from the JPEG the camera plays.
  const [face, cup] = ['face-640x480.jpg', 'noface-640x480.jpg'].map((f) =>
    meanLuma(`e2e/fixtures/media/${f}`),
  );
  const near = (x: number, ref: number) => Math.abs(x - ref) < 0.02;
  for (const f of features)
    expect(near(f.brightness, face!) || near(f.brightness, cup!), `${f.brightness}`).toBe(true);
  expect(features.some((f) => near(f.brightness, face!))).toBe(true);
  expect(features.some((f) => near(f.brightness, cup!))).toBe(true);
  // A still photo has no motion; each cut between the photos has a lot.
  for (let i = 1; i < features.length; i++) {
    const cut = Math.abs(features[i]!.brightness - features[i - 1]!.brightness) > 0.03;
    if (cut) expect(features[i]!.motion).toBeGreaterThan(0.1);
    else expect(features[i]!.motion).toBeLessThan(0.01);
  }
  expect(features.filter((f) => f.motion > 0.1).length).toBeGreaterThanOrEqual(1);
  expect(new Set(features.map((f) => f.topic))).toEqual(new Set(['plugin.frame-motion.front']));
  // Derived from local data, the features stay local.
  expect(features.every((f) => f.privacy === 'local')).toBe(true);
});

test('the notify-toast example shows a toast through the host actuator, text only', async ({ page }) => {
  await open(page);
  expect(await page.evaluate(() => window.h.startExample('notify-toast'))).toEqual({ ok: true });
  await page.evaluate(() =>
    window.h.publish('agent.notify', { text: '<img src=x onerror=alert(1)> Time to stretch' }),
  );
  const toast = page.getByRole('status');
  await expect(toast).toHaveText('<img src=x onerror=alert(1)> Time to stretch');
  await expect(toast).toHaveAttribute('data-plugin', 'notify-toast');
  expect(await page.locator('#toasts img').count()).toBe(0);
  // An actuator it was not granted is refused and counted.
  const m = manifest('speaker', { subscribe: ['agent.notify'] });
  const src = `sentio.definePlugin({ async init(ctx) { try { await ctx.act('toast', { text: 'hi' }); } catch (e) { ctx.publish('plugin.speaker.refused', e.message); } } });`;
  await page.evaluate(() => window.h.collect('plugin.speaker.>'));
  expect(await start(page, m, src)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.speaker.>').length)).toBe(1);
  expect(await page.evaluate(() => window.h.collected('plugin.speaker.>')[0]!.payload)).toBe(
    'actuator "toast" was not granted',
  );
  expect(await page.evaluate(() => window.h.stats('speaker')!.refused.actuator)).toBe(1);
});

test('storage is host-kept, within the granted quota, and survives a restart; without the grant it is refused', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.keeper.>'));
  const source = `
sentio.definePlugin({
  async init(ctx) {
    const r = { before: await ctx.storage.get('count') };
    await ctx.storage.set('count', (r.before ?? 0) + 1);
    r.after = await ctx.storage.get('count');
    try { await ctx.storage.set('big', 'x'.repeat(200)); r.big = 'stored'; } catch (e) { r.big = e.message; }
    ctx.publish('plugin.keeper.result', r);
  },
});`;
  const m = manifest('keeper', { storageBytes: 100 });
  expect(await start(page, m, source)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.keeper.>').length)).toBe(1);
  expect(await page.evaluate(() => window.h.collected('plugin.keeper.>')[0]!.payload)).toEqual({
    after: 1,
    big: 'storing "big" (205 bytes) would exceed the 100-byte quota (6 used)',
  });
  // A new sandbox (a restart) finds what the previous one kept.
  expect(await start(page, m, source)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.keeper.>').length)).toBe(2);
  expect(await page.evaluate(() => window.h.collected('plugin.keeper.>')[1]!.payload)).toMatchObject({
    before: 1,
    after: 2,
  });
  expect(await page.evaluate(() => window.h.pluginRows())).toEqual([
    { key: 'plugin:keeper:count', value: 2 },
  ]);
  expect(await page.evaluate(() => window.h.stats('keeper')!.refused.storage)).toBe(1);

  const nosy = `sentio.definePlugin({ async init(ctx) { try { await ctx.storage.get('count'); } catch (e) { ctx.publish('plugin.nosy.refused', e.message); } } });`;
  await page.evaluate(() => window.h.collect('plugin.nosy.>'));
  expect(await start(page, manifest('nosy'), nosy)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.nosy.>').length)).toBe(1);
  expect(await page.evaluate(() => window.h.collected('plugin.nosy.>')[0]!.payload)).toBe(
    'storage was not granted',
  );
});

test("a plugin's status keeps its privacy floor: a local secret it throws never reaches a network-granted plugin", async ({
  page,
}) => {
  await open(page, FAST_LIMITS);
  await page.evaluate(() => window.h.collect('sentio.plugins.status'));
  // L has no network: it may see local data. It throws the secret and reports it from health().
  const leaker = `
let secret = 'none';
sentio.definePlugin({
  async init(ctx) { await ctx.subscribe('sensor.secret'); },
  onEvent(e) { secret = e.payload.s; throw new Error('failed on ' + secret); },
  health() { return { ok: secret === 'none', detail: 'saw ' + secret }; },
});`;
  const m = manifest('leaker', { subscribe: ['sensor.secret'] });
  expect(await start(page, m, leaker)).toEqual({ ok: true });
  // C has the network: it relays every status it is given to its granted origin.
  const courier = `
sentio.definePlugin({
  async init(ctx) { await ctx.subscribe('sentio.plugins.status'); },
  async onEvent(e) {
    await fetch(${JSON.stringify(granted.url)} + '/leak?' + encodeURIComponent(e.payload.id + ':' + (e.payload.lastError ?? '')));
  },
});`;
  const c = manifest('courier', { subscribe: ['sentio.plugins.status'], network: [granted.url] });
  expect(await start(page, c, courier)).toEqual({ ok: true });
  await page.evaluate(() => window.h.publish('sensor.secret', { s: 'SECRET-4242' }, 'local'));
  await expect
    .poll(() =>
      page.evaluate(() =>
        window.h
          .collected('sentio.plugins.status')
          .filter((e) => JSON.stringify(e.payload).includes('SECRET-4242'))
          .map((e) => e.privacy),
      ),
    )
    .toContain('local');
  const labels = await page.evaluate(() =>
    window.h
      .collected('sentio.plugins.status')
      .filter((e) => JSON.stringify(e.payload).includes('SECRET-4242'))
      .map((e) => e.privacy),
  );
  expect(new Set(labels)).toEqual(new Set(['local']));
  // A third plugin's status still reaches the courier (so it was listening), and nothing carried the secret.
  expect(await start(page, manifest('bystander'), 'sentio.definePlugin({});')).toEqual({ ok: true });
  await expect.poll(() => granted.hits.some((h) => h.includes('bystander'))).toBe(true);
  expect(granted.hits.filter((h) => h.includes('SECRET'))).toEqual([]);
  expect(await page.evaluate(() => window.h.stats('courier')!.withheldLocal)).toBeGreaterThan(0);
});

test('a plugin sending huge messages under the rate limit is refused and isolated; the others keep working', async ({
  page,
}) => {
  await open(page, FAST_LIMITS);
  await startEcho(page);
  // Paced well under its rate limit, each message a 4 MiB event posted straight on the port.
  const huge = `
const realPost = MessagePort.prototype.postMessage;
let port;
MessagePort.prototype.postMessage = function (m, t) { port = this; return realPost.call(this, m, t); };
sentio.definePlugin({
  init() {
    const payload = 'x'.repeat(2 << 20);
    setInterval(() => port.postMessage({ type: 'publish', events: [{ id: '0190f5e4-7c3a-7000-8000-000000000000', type: 't', topic: 'plugin.huge.x', ts: 1, source: 'plugin.huge', privacy: 'private', qos: 'batched', payload }] }), 200);
  },
});`;
  expect(await start(page, manifest('huge', { messagesPerSecond: 50 }), huge)).toEqual({ ok: true });
  const published = await workUntilDisabled(page, 'huge');
  const stats = await page.evaluate(() => window.h.stats('huge')!);
  expect(stats.state).toMatchObject({ status: 'disabled', after: 'flood' });
  expect(stats.refused.size).toBeGreaterThanOrEqual(9); // 3 in the window, three times
  expect(stats.refused.rate).toBe(0);
  expect(stats.published).toBe(0);
  expect(stats.lastError).toMatch(/over 1048576 bytes/);
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.echo.>').length)).toBe(published);
});

test('repeated and overlapping subscriptions deliver an event once; distinct subscriptions are capped', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.h.collect('plugin.dup.>'));
  const dup = `
sentio.definePlugin({
  async init(ctx) {
    for (let i = 0; i < 300; i++) await ctx.subscribe('work.a');
    await ctx.subscribe('work.*');
    await ctx.subscribe('work.>');
    const refused = [];
    for (let i = 0; i < 40; i++) {
      try { await ctx.subscribe('work.p' + i); } catch (e) { refused.push(e.name + ': ' + e.message); }
    }
    ctx.publish('plugin.dup.refused', refused);
  },
  onEvent(e, ctx) { ctx.publish('plugin.dup.seen', e.topic); },
});`;
  const m = manifest('dup', { subscribe: ['work.>'], messagesPerSecond: 10_000 });
  expect(await start(page, m, dup)).toEqual({ ok: true });
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.dup.>').length)).toBe(1);
  const refused = await page.evaluate(() => window.h.collected('plugin.dup.>')[0]!.payload as string[]);
  // work.a, work.*, work.> and 29 of the 40 distinct ones make the 32 allowed.
  expect(refused).toHaveLength(11);
  expect(refused[0]).toMatch(/^CapabilityError: at most 32 subscriptions per plugin/);
  await page.evaluate(() => window.h.publish('work.a', 1));
  await page.evaluate(() => window.h.publish('work.b', 2));
  await expect.poll(() => page.evaluate(() => window.h.collected('plugin.dup.>').length)).toBe(3);
  expect(await page.evaluate(() => window.h.collected('plugin.dup.>').map((e) => e.payload))).toEqual([
    expect.any(Array),
    'work.a',
    'work.b',
  ]);
  expect(await page.evaluate(() => window.h.stats('dup')!.handled)).toBe(2);
});
