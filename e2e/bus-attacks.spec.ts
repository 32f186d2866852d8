// Attacks on the bus by a hostile same-origin client (issue 17, items 1-7 and the bus part of 13): raw ports
// to the SharedWorker hub speaking the protocol wrongly, and hostile payloads from a page's own bus. Each
// test performs the attack and checks that it is refused with a named error while everyone else is served.
import { expect, test, type Page } from '@playwright/test';

async function openTestPage(page: Page): Promise<void> {
  await page.goto('/e2e/pages/bus.html');
  await expect(page.locator('#status')).toContainText('connected to shared hub');
}

/** A well-formed event as a raw client would send it; `n` makes the id unique. */
function rawEvent(n: number, patch: Record<string, unknown> = {}) {
  return {
    id: `0192f0c8-7e3a-7000-8000-${String(n).padStart(12, '0')}`,
    type: 't',
    topic: 'data.ok',
    ts: Date.now(),
    source: 'rogue',
    privacy: 'public',
    qos: 'batched',
    payload: n,
    ...patch,
  };
}

const hello = (clientId: string, extra: Record<string, unknown> = {}) => ({
  type: 'hello',
  clientId,
  name: clientId,
  protocol: 1,
  lockName: null,
  ...extra,
});

type Refusal = { name: string; message: string; fields?: Record<string, unknown> };
function refusals(replies: { type: string; errors?: Refusal[] }[]): Refusal[] {
  return replies.flatMap((r) => (r.type === 'rejected' ? (r.errors ?? []) : []));
}

async function received(page: Page, worker: string): Promise<unknown[]> {
  return (await page.evaluate((w) => window.busTest.worker(w).received(), worker)).map((r) => r.payload);
}

test('a hello with another protocol version is refused and not served', async ({ page }) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.spawnWorker('good'));
  await page.evaluate(() => window.busTest.worker('good').subscribe('data.>'));
  const replies = await page.evaluate(
    ([h, e]) => window.busTest.rawExchange(2, [h, { type: 'publish', lanes: [], events: [e] }]),
    [hello('future', { protocol: 99 }), rawEvent(1)] as const,
  );
  expect(replies.some((r) => r.type === 'welcome')).toBe(false);
  const errors = refusals(replies);
  expect(errors[0]).toMatchObject({ name: 'ProtocolError', message: expect.stringMatching(/protocol 99/) });
  // Its publish is not served either: it is answered with "hello first".
  expect(errors[1]?.message).toMatch(/expected "hello" first/);
  // A client that speaks the protocol gets through, and only its event arrives.
  await page.evaluate(
    ([h, e]) => window.busTest.rawExchange(1, [h, { type: 'publish', lanes: [], events: [e] }]),
    [hello('current'), rawEvent(2)] as const,
  );
  await expect.poll(() => received(page, 'good')).toEqual([2]);
});

test('a hello with a connected client id is refused; the client it names keeps its connection', async ({
  page,
}) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.subscribeInPage('victim.>'));
  const victim = await page.evaluate(() => window.busTest.bus.clientId);
  const replies = await page.evaluate((h) => window.busTest.rawExchange(1, [h]), hello(victim));
  expect(refusals(replies).map((e) => e.name)).toEqual(['ClientIdInUseError']);
  expect(replies.some((r) => r.type === 'welcome')).toBe(false);
  // The victim's port still works both ways: a worker's event reaches its subscription through the hub.
  await page.evaluate(() => window.busTest.spawnWorker('w'));
  await page.evaluate(() => window.busTest.worker('w').publishAt('victim.ping', 1, 100));
  await expect
    .poll(() => page.evaluate(() => window.busTest.pageReceived.map((r) => r.payload)))
    .toEqual([0]);
  const stats = await page.evaluate(() => window.busTest.bus.hub.request('stats', {}));
  expect(stats.clients.map((c) => c.id)).toContain(victim);
});

test('a lingering client that acknowledges garbage stalls subscribes at most once', async ({ page }) => {
  await openTestPage(page);
  await page.evaluate((h) => window.busTest.rawOpen('hostile', [h, { type: 'interest.ack', version: 'x' }]), {
    ...hello('hostile'),
  });
  await expect
    .poll(async () =>
      refusals(await page.evaluate(() => window.busTest.rawReplies('hostile'))).map((e) => e.message),
    )
    .toEqual([expect.stringMatching(/interest\.ack\.version must be a whole number/)]);
  // While it stays connected (never acknowledging anything), subscribes still become ready; only the first
  // may wait for it, up to the deadline.
  const readyMs = await page.evaluate(async () => {
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await window.busTest.bus.subscribe(`stall.${i}`, () => {}).ready;
      out.push(Math.round(performance.now() - t0));
    }
    return out;
  });
  console.log(`subscribe ready with a silent client connected: ${readyMs.join(', ')} ms`);
  const stats = await page.evaluate(() => window.busTest.bus.hub.request('stats', {}));
  expect(stats.clients.some((c) => c.id === 'hostile')).toBe(true);
  expect(stats.interestTimeouts).toBeLessThanOrEqual(1);
  await page.evaluate(() => window.busTest.rawClose('hostile'));
});

test('malformed credit messages are refused and the hub keeps serving the port', async ({ page }) => {
  await openTestPage(page);
  const replies = await page.evaluate(
    (h) =>
      window.busTest.rawExchange(5, [
        h,
        { type: 'credit', grants: 'lots' },
        { type: 'credit', grants: [[1, 2], ['sub', Number.NaN], null, ['sub', 1]] },
        { type: 'credit' },
        { type: 'request', reqId: 7, name: 'ping', params: {} },
      ]),
    hello('creditor'),
  );
  const errors = refusals(replies);
  expect(errors.map((e) => e.name)).toEqual(['ProtocolError', 'ProtocolError', 'ProtocolError']);
  expect(errors[0]!.message).toMatch(/credit\.grants must be an array/);
  expect(errors[1]!.message).toMatch(/3 entries are not \[subscriptionId, whole number ≥ 1\]/);
  expect(replies.find((r) => r.type === 'response')).toMatchObject({
    reqId: 7,
    result: { hubId: expect.any(String) },
  });
});

test('one unclonable payload is refused at publish() by name; the rest of the batch arrives', async ({
  context,
}) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await openTestPage(a);
  await openTestPage(b);
  await b.evaluate(() => window.busTest.subscribeInPage('batch.>'));
  const errors = await a.evaluate(() => {
    const bus = window.busTest.bus;
    const out: string[] = [];
    const attempt = (payload: unknown) => {
      try {
        bus.publish('batch.x', payload);
        out.push('accepted');
      } catch (err) {
        const e = err as Error & { field?: string };
        out.push(`${e.name} ${e.field}: ${e.message}`);
      }
    };
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const SAB = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer.constructor as new (
      n: number,
    ) => ArrayBufferLike;
    // All in one tick: they would share one batch to the hub.
    attempt('good 1');
    attempt({ f() {} });
    attempt({ s: Symbol('x') });
    attempt(deep);
    attempt({ shared: new Uint8Array(new SAB(16)) });
    attempt({ list: [1, new WeakMap()] });
    attempt('good 2');
    return out;
  });
  expect(errors[0]).toBe('accepted');
  expect(errors[1]).toMatch(/^EventValidationError payload\.f: .*function/);
  expect(errors[2]).toMatch(/^EventValidationError payload\.s: .*symbol/);
  expect(errors[3]).toMatch(/^EventValidationError payload(\.a)+: .*deeper than 32/);
  expect(errors[4]).toMatch(/^EventValidationError payload\.shared: .*SharedArrayBuffer/);
  expect(errors[5]).toMatch(/^EventValidationError payload\.list\[1\]: .*WeakMap/);
  expect(errors[6]).toBe('accepted');
  await expect
    .poll(() => b.evaluate(() => window.busTest.pageReceived.map((r) => r.payload)))
    .toEqual(['good 1', 'good 2']);
  // What validation cannot see (a Proxy clones as a DataCloneError) costs only itself, reported by name.
  const rejected = await a.evaluate(async () => {
    const bus = window.busTest.bus;
    bus.publish('batch.y', 'good 3');
    bus.publish('batch.y', new Proxy({}, {}));
    bus.publish('batch.y', 'good 4');
    await bus.flush();
    return bus.stats().lastErrors.filter((m) => m.includes('cannot be sent to another thread'));
  });
  expect(rejected).toEqual([
    expect.stringMatching(/payload: cannot be sent to another thread \(DataCloneError/),
  ]);
  await expect
    .poll(() => b.evaluate(() => window.busTest.pageReceived.map((r) => r.payload)))
    .toEqual(['good 1', 'good 2', 'good 3', 'good 4']);
});

test('Map, Set and Error payloads count toward the size limit: a 20 MB one is refused, not logged', async ({
  page,
}) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.spawnWorker('good'));
  await page.evaluate(() => window.busTest.worker('good').subscribe('big.>'));
  const result = await page.evaluate(async () => {
    const bus = window.busTest.bus;
    await bus.hub.request('log.configure', { keep: ['big.>'] });
    const huge = 'z'.repeat(20 << 20);
    const thrown: string[] = [];
    for (const payload of [new Map([['k', huge]]), new Set([huge]), new Error(huge)]) {
      try {
        bus.publish('big.local', payload);
        thrown.push('accepted');
      } catch (err) {
        thrown.push(`${(err as Error).name} ${(err as { field?: string }).field}`);
      }
    }
    return { thrown };
  });
  expect(result.thrown).toEqual([
    'EventValidationError payload',
    'EventValidationError payload',
    'EventValidationError payload',
  ]);
  // And from a raw port, past any client-side check: the hub refuses each with the reason.
  const replies = await page.evaluate(
    ([h, e1, e2]) => {
      const huge = 'z'.repeat(20 << 20);
      return window.busTest.rawExchange(2, [
        h,
        {
          type: 'publish',
          lanes: [],
          events: [
            { ...e1, payload: new Map([['k', huge]]) },
            { ...e2, payload: new Error(huge) },
          ],
        },
      ]);
    },
    [hello('bulky'), rawEvent(1, { topic: 'big.raw' }), rawEvent(2, { topic: 'big.raw' })] as const,
  );
  const errors = refusals(replies);
  expect(errors.map((e) => e.fields?.field)).toEqual(['payload', 'payload']);
  expect(errors[0]!.message).toMatch(/262144-byte limit/);
  await page.evaluate(async () => {
    window.busTest.bus.publish('big.done', 'small');
    await window.busTest.bus.flush();
  });
  await expect.poll(() => received(page, 'good')).toEqual(['small']);
  const logged = await page.evaluate(() =>
    window.busTest.bus.hub.request('log.query', { patterns: ['big.>'] }),
  );
  expect(logged.map((e) => e.topic)).toEqual(['big.done']);
});

test('bigint, NaN and ±Infinity survive record, export, import and replay', async ({ page }) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.spawnWorker('w'));
  await page.evaluate(() => window.busTest.worker('w').subscribe('num.>'));
  const r = await page.evaluate(async () => {
    const bus = window.busTest.bus;
    await bus.hub.request('log.configure', { keep: ['num.>'] });
    const payload = {
      big: 2n ** 70n,
      nan: Number.NaN,
      inf: Infinity,
      ninf: -Infinity,
      when: new Date(5),
      tags: new Set(['a']),
      byKey: new Map([['k', 1n]]),
    };
    bus.publish('num.rec', payload);
    await bus.flush();
    const jsonl = await bus.hub.request('log.export', { patterns: ['num.>'] });
    // Import the exported line as a new event (a new id), then replay it.
    const line = jsonl.trim().replace(/"id":"[^"]+"/, '"id":"0192f0c8-7e3a-7000-8000-0000000000aa"');
    const imported = await bus.hub.request('log.import', { jsonl: line });
    const got: unknown[] = [];
    const sub = bus.subscribe('num.rec', (e) => void got.push(e.payload), {
      policy: { kind: 'persist', memory: 10 },
    });
    await sub.ready;
    await bus.hub.request('log.replay', { patterns: ['num.>'], speed: 'max' });
    await new Promise((res) => setTimeout(res, 0));
    const start = Date.now();
    while (got.length < 2 && Date.now() - start < 10_000) await new Promise((res) => setTimeout(res, 20));
    sub.unsubscribe();
    const describe = (p: unknown) => {
      const x = p as typeof payload;
      return {
        big: typeof x.big === 'bigint' ? x.big.toString() : String(x.big),
        nan: Number.isNaN(x.nan),
        inf: x.inf,
        ninf: x.ninf,
        when: x.when instanceof Date ? x.when.getTime() : String(x.when),
        tags: x.tags instanceof Set ? [...x.tags] : String(x.tags),
        byKey: x.byKey instanceof Map ? [...x.byKey].map(([k, v]) => `${k}=${String(v)}`) : String(x.byKey),
      };
    };
    return { jsonl, imported, replayed: got.map(describe) };
  });
  expect(r.jsonl).toContain('{"$bigint":"1180591620717411303424"}');
  expect(r.jsonl).toContain('"nan":{"$number":"NaN"}');
  expect(r.jsonl).not.toContain('null');
  expect(r.imported).toEqual({ imported: 1, errors: [] });
  const expected = {
    big: '1180591620717411303424',
    nan: true,
    inf: Infinity,
    ninf: -Infinity,
    when: 5,
    tags: ['a'],
    byKey: ['k=1'],
  };
  // The recorded original and the imported copy, each replayed.
  expect(r.replayed).toEqual([expected, expected]);
  const atWorker = await page.evaluate(() => window.busTest.worker('w').received());
  expect(typeof (atWorker[0]!.payload as { big: unknown }).big).toBe('bigint');
});

test('an event stamped far in the future is refused, at publish() and at the hub', async ({ page }) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.spawnWorker('good'));
  await page.evaluate(() => window.busTest.worker('good').subscribe('future.>'));
  const thrown = await page.evaluate(() => {
    try {
      window.busTest.bus.publish('future.local', 1, { ts: 1e20 });
      return 'accepted';
    } catch (err) {
      return `${(err as Error).name} ${(err as { field?: string }).field}`;
    }
  });
  expect(thrown).toBe('EventValidationError ts');
  const replies = await page.evaluate(
    ([h, e1, e2]) => window.busTest.rawExchange(2, [h, { type: 'publish', lanes: [], events: [e1, e2] }]),
    [
      hello('timetraveller'),
      rawEvent(1, { topic: 'future.raw', ts: 1e20 }),
      rawEvent(2, { topic: 'future.raw', ts: Date.now() - 1000 }),
    ] as const,
  );
  const errors = refusals(replies);
  expect(errors.map((e) => e.fields?.field)).toEqual(['ts']);
  expect(errors[0]!.message).toMatch(/ahead of the receiver's clock/);
  await expect.poll(() => received(page, 'good')).toEqual([2]);
});

test('UI-trusted topics are refused from clients the publisher rules do not name', async ({ page }) => {
  await openTestPage(page);
  await page.evaluate(() => window.busTest.spawnWorker('ui'));
  await page.evaluate(() => window.busTest.worker('ui').subscribe('tool.result'));
  await page.evaluate(() => window.busTest.worker('ui').subscribe('router.decision'));
  const forged = await page.evaluate(
    ([h, e1, e2, e3]) =>
      window.busTest.rawExchange(2, [h, { type: 'publish', lanes: [], events: [e1, e2, e3] }]),
    [
      hello('rogue'),
      rawEvent(1, { topic: 'tool.result', payload: { ok: true, tool: 'door.unlock' } }),
      rawEvent(2, { topic: 'router.decision', payload: { route: 'cloud' } }),
      // Claiming the gateway's source does not help a client with another name.
      rawEvent(3, { topic: 'tool.result', source: 'app', payload: { ok: true } }),
    ] as const,
  );
  expect(refusals(forged).map((e) => e.name)).toEqual(['PublisherError', 'PublisherError', 'PublisherError']);
  expect(refusals(forged)[0]!.message).toMatch(/only app may publish on "tool\.result"/);
  // A worker's bus (an agent's, say) cannot publish them either.
  await page.evaluate(async () => {
    await window.busTest.spawnWorker('agentish');
    await window.busTest.worker('agentish').publishAt('tool.result', 1, 100);
  });
  await expect
    .poll(() => page.evaluate(() => window.busTest.worker('agentish').rejected()))
    .toEqual([expect.stringMatching(/only app may publish on "tool\.result"/)]);
  // The client the rules name (the app's page bus) is served.
  await page.evaluate(
    ([h, e]) => window.busTest.rawExchange(1, [h, { type: 'publish', lanes: [], events: [e] }]),
    [{ ...hello('app-page'), name: 'app' }, rawEvent(4, { topic: 'tool.result', source: 'app' })] as const,
  );
  await expect.poll(() => received(page, 'ui')).toEqual([4]);
});
