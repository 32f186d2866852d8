// The router and privacy layer in Chromium against the local dev endpoint (started here on a free port):
// what leaves the page, consent revocation mid-stream, the offline outbox, backoff and the circuit breaker,
// and the tamper-evident audit log.
import { expect, test, type Page } from '@playwright/test';
import { AUDIO_SEGMENTS } from './fixtures/timeline';
import { createDevEndpoint, type DevEndpoint } from '../scripts/dev-endpoint/server.mjs';

let dev: DevEndpoint;
test.beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0 });
});
test.afterAll(() => dev?.close());
test.beforeEach(() => dev.reset());

const TRANSCRIPT = AUDIO_SEGMENTS.flatMap((s) => (s.kind === 'speech' ? [s.transcript] : []))[0]!;

async function open(page: Page, init: object = {}): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/e2e/pages/router.html?endpoint=${encodeURIComponent(dev.url)}`);
  await expect(page.locator('#status')).toHaveText('ready');
  await page.evaluate((o) => window.__router.init(o), {
    dbName: `router-${test.info().title}-${Date.now()}`,
    ...init,
  });
  expect(errors).toEqual([]);
}

/** Every number array of more than `max` items in a JSON value (raw media would be one). */
function longNumberArrays(v: unknown, max = 64): number {
  if (Array.isArray(v)) {
    const numeric = v.length > max && v.every((x) => typeof x === 'number');
    return (numeric ? 1 : 0) + v.reduce<number>((n, x) => n + longNumberArrays(x, max), 0);
  }
  if (v && typeof v === 'object')
    return Object.values(v).reduce<number>((n, x) => n + longNumberArrays(x, max), 0);
  return 0;
}

test('camera, microphone and an agent for a while: zero requests carry local data', async ({ page }) => {
  test.setTimeout(90_000);
  const seen: { at: number; url: string; method: string; body: Buffer | null; contentType: string }[] = [];
  // Every request the page makes to anything but its own origin is recorded (and allowed through).
  await page.context().route(
    (url) => !url.href.startsWith(test.info().project.use.baseURL!),
    async (route) => {
      const r = route.request();
      seen.push({
        at: Date.now(),
        url: r.url(),
        method: r.method(),
        body: r.postDataBuffer(),
        contentType: (await r.allHeaders())['content-type'] ?? '',
      });
      await route.continue();
    },
  );
  await open(page);
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  await page.evaluate((t) => window.__router.startSensors(t), TRANSCRIPT);
  await page.waitForTimeout(6000);
  const consentAt = Date.now();
  await page.evaluate(() => window.__router.grant('cloud.transcript'));
  await page.waitForTimeout(4000);
  const counters = (await page.evaluate(() => window.__router.stopSensors())) as {
    frames: number;
    chunks: number;
    asked: number;
    sent: number;
    dropped: number;
    transcriptShared: number;
    errors: string[];
  };
  await page.waitForTimeout(500);

  // The sensors really ran and the agent really asked.
  expect(counters.frames).toBeGreaterThan(30);
  expect(counters.chunks).toBeGreaterThan(20);
  expect(counters.dropped).toBeGreaterThan(20);
  expect(counters.sent).toBeGreaterThan(5);
  expect(counters.transcriptShared).toBeGreaterThan(0);
  expect(counters.errors).toEqual([]);

  const posts = seen.filter((s) => s.method !== 'OPTIONS');
  expect(posts.length).toBe(counters.sent);
  for (const p of posts) {
    expect(new URL(p.url).pathname).toBe('/v1/chat/completions');
    expect(p.contentType).toBe('application/json');
    expect(p.body!.byteLength).toBeLessThan(2048);
    const json = JSON.parse(p.body!.toString('utf8'));
    expect(longNumberArrays(json)).toBe(0);
    expect(Object.keys(json).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
    const text = JSON.stringify(json.messages);
    expect(text).not.toContain('what is in this frame');
    expect(text).not.toContain('what was said');
    // Transcript text only after the user consented to share transcripts.
    if (text.includes(TRANSCRIPT)) expect(p.at).toBeGreaterThanOrEqual(consentAt);
  }
  expect(posts.some((p) => p.body!.toString().includes(TRANSCRIPT))).toBe(true);
  // The server saw the same requests, nothing else.
  expect(dev.stats().requests).toBe(posts.length);
  const audit = await page.evaluate(() => window.__router.auditEntries());
  const declassifyDenied = audit.filter(
    (e) => e.what === 'declassify.transcript.share' && e.decision === 'denied',
  );
  expect(declassifyDenied.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({ ok: true });
});

test('revoking consent mid-stream aborts the request in flight, blocks later ones, and is audited', async ({
  page,
}) => {
  await open(page);
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  dev.setFaults({ tokenDelayMs: 150 });
  const id = await page.evaluate(() =>
    window.__router.startChat('tell me a long story about the sea', 'private'),
  );
  await expect
    .poll(() => page.evaluate((i) => window.__router.stream(i).deltas, id))
    .toBeGreaterThanOrEqual(3);
  expect(await page.evaluate(() => window.__router.inFlight())).toBe(1);
  await page.evaluate(() => window.__router.revoke('cloud.chat'));
  await expect
    .poll(() => page.evaluate((i) => window.__router.stream(i).result, id))
    .toMatchObject({ ok: false, name: 'ConsentRevokedError' });
  const deltasAtAbort = await page.evaluate((i) => window.__router.stream(i).deltas, id);
  expect(await page.evaluate(() => window.__router.inFlight())).toBe(0);
  await page.waitForTimeout(600);
  expect(await page.evaluate((i) => window.__router.stream(i).deltas, id)).toBe(deltasAtAbort);
  expect(deltasAtAbort).toBeLessThan(20); // the full answer is ~25 tokens

  const requestsBefore = dev.stats().requests;
  const later = await page.evaluate(() => window.__router.chat('and another one', 'private'));
  expect(later).toMatchObject({ ok: true, value: { decision: { route: 'drop', code: 'no-consent' } } });
  expect(dev.stats().requests).toBe(requestsBefore);

  // The router's own refusal after the revocation is audited too, with its reason.
  await expect
    .poll(() =>
      page.evaluate(async () => (await window.__router.auditEntries()).map((e) => `${e.what}:${e.decision}`)),
    )
    .toEqual([
      'consent.grant:consent',
      'chat.completions:allowed',
      'chat.completions:aborted',
      'consent.revoke:consent',
      'chat:denied',
    ]);
  const denial = (await page.evaluate(() => window.__router.auditEntries())).at(-1)!;
  expect(denial).toMatchObject({ capability: 'cloud.chat', labels: ['private'], bytes: 0 });
  expect(denial.reason).toMatch(/^router no-consent: no consent/);
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({ ok: true, entries: 5 });
});

test('offline for a minute with 20 queued requests: after reconnect each arrives exactly once', async ({
  page,
  context,
}) => {
  test.setTimeout(150_000);
  await open(page, { outboxBackoff: { baseMs: 500, maxMs: 4000 }, retry: { maxAttempts: 4, baseMs: 100 } });
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  await context.setOffline(true);
  const keys = await page.evaluate(() => window.__router.enqueue(20, 'queued while offline'));
  expect(new Set(keys).size).toBe(20);
  await page.waitForTimeout(60_000);
  expect(await page.evaluate(() => window.__router.pending())).toBe(20);
  expect(dev.stats().requests).toBe(0);
  // Make the reconnect rough: one acknowledgement lost after processing, a 500 and a 429.
  dev.setFaults({ script: [{ drop: 'after-processing' }, { status: 500 }, { status: 429, retryAfter: 1 }] });
  await context.setOffline(false);
  await expect.poll(() => page.evaluate(() => window.__router.pending()), { timeout: 30_000 }).toBe(0);
  const stats = dev.stats();
  expect(stats.processed).toBe(20);
  expect(stats.uniqueKeys).toBe(20);
  expect(stats.duplicates).toBe(1); // the retry after the lost acknowledgement, answered from the dedupe table
  const processedKeys = dev
    .log()
    .filter((l) => l.path === '/v1/echo' && !l.duplicate && !l.fault)
    .map((l) => l.idempotencyKey);
  const lost = dev
    .log()
    .find((l) => (l.fault as { drop?: string } | undefined)?.drop === 'after-processing')!;
  expect([...processedKeys, lost.idempotencyKey].sort()).toEqual([...keys].sort());
});

test('500s and 429 with Retry-After are retried with backoff; the circuit opens and closes', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await open(page, {
    breaker: { failureThreshold: 3, cooldownMs: 1500 },
    retry: { maxAttempts: 4, baseMs: 200, maxMs: 2000 },
  });
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  dev.setFaults({ script: [{ status: 500 }, { status: 429, retryAfter: 1 }] });
  const ok = await page.evaluate(() => window.__router.chat('first', 'private'));
  expect(ok).toMatchObject({ ok: true, value: { decision: { route: 'cloud' } } });
  const arrivals = dev.log().map((l) => l.at);
  expect(arrivals).toHaveLength(3);
  expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(1000); // Retry-After: 1
  const attempts = (await page.evaluate(() => window.__router.attempts)) as {
    outcome: string;
    delayMs?: number;
    retryAfterMs?: number;
  }[];
  expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'ok']);
  expect(attempts[0]!.delayMs).toBeLessThanOrEqual(200);
  expect(attempts[1]).toMatchObject({ retryAfterMs: 1000, delayMs: 1000 });
  expect(await page.evaluate(() => window.__router.breakerState())).toBe('closed');

  dev.reset();
  dev.setFaults({ script: [{ status: 500 }, { status: 500 }, { status: 500 }] });
  const failed = await page.evaluate(() => window.__router.chat('second', 'private'));
  // Three 500s open the circuit (threshold 3), so the fourth attempt is refused without a request.
  expect(failed).toMatchObject({ ok: false, name: 'CircuitOpenError' });
  expect(await page.evaluate(() => window.__router.breakerState())).toBe('open');
  const whileOpen = await page.evaluate(() => window.__router.chat('third', 'private'));
  expect(whileOpen).toMatchObject({
    ok: true,
    value: { decision: { route: 'drop', code: 'cloud-unavailable-drop' } },
  });
  expect(dev.stats().requests).toBe(3);
  await expect
    .poll(() => page.evaluate(() => window.__router.breakerState()), { timeout: 5000 })
    .toBe('half-open');
  const trial = await page.evaluate(() => window.__router.chat('fourth', 'private'));
  expect(trial).toMatchObject({ ok: true, value: { decision: { route: 'cloud' } } });
  expect(await page.evaluate(() => window.__router.breakerState())).toBe('closed');
  expect(dev.stats().requests).toBe(4);
});

test('an edited audit entry makes verify fail and name it', async ({ page }) => {
  await open(page);
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  await page.evaluate(() => window.__router.chat('one', 'private'));
  await page.evaluate(() => window.__router.chat('two', 'public'));
  await page.evaluate(() => window.__router.chat('three', 'local'));
  // No local chat model here: the router refuses to send local data, and audits that refusal.
  await expect
    .poll(() => page.evaluate(() => window.__router.verifyAudit()))
    .toEqual({ ok: true, entries: 4 });
  await page.evaluate(() => window.__router.tamperAudit(2, 'bytes', 1));
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({
    ok: false,
    seq: 2,
    problem: 'edited',
  });
});

/** Grants chat and makes three audited calls, then checks the clean chain. */
async function threeAudited(page: Page): Promise<void> {
  await open(page);
  await page.evaluate(() => window.__router.grant('cloud.chat'));
  await page.evaluate(() => window.__router.chat('one', 'private'));
  await page.evaluate(() => window.__router.chat('two', 'public'));
  expect(await page.evaluate(() => window.__router.verifyAudit())).toEqual({ ok: true, entries: 3 });
}

test('an audit chain recomputed with SHA-256 after an edit, head row included, fails verify', async ({
  page,
}) => {
  await threeAudited(page);
  // The forger rewrites every entry's hash and the head row, with the raw IndexedDB API and WebCrypto.
  await page.evaluate(() => window.__router.rechainAudit());
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({
    ok: false,
    seq: 1,
    problem: 'edited',
  });
});

test('truncating the audit chain with its head row, or wiping both, fails verify against the anchor', async ({
  page,
}) => {
  await threeAudited(page);
  await page.evaluate(() => window.__router.truncateAudit(1));
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({
    ok: false,
    seq: 2,
    problem: 'truncated',
  });
  await page.evaluate(() => window.__router.truncateAudit(0));
  expect(await page.evaluate(() => window.__router.verifyAudit())).toMatchObject({
    ok: false,
    seq: 1,
    problem: 'truncated',
  });
});
