// The bus shared over NATS: two or three browser contexts are two or three devices on one real
// nats-server; a raw NATS client in Node watches every message on `>` (or attacks the subjects).
import type { BridgeOptions, BridgeState, BridgeStats } from '../src/bridge/types';
import { expect, openDevice, test, wiretap, type Device } from './fixtures/nats';
import { nkeyUser, operatorWithAccount } from './fixtures/nats-auth';

type BT = {
  bridgeTest: {
    bridge: { connect(o: BridgeOptions): Promise<unknown> };
    handles: Record<
      string,
      { state(): Promise<BridgeState>; stats(): Promise<BridgeStats> } & Record<string, () => Promise<void>>
    >;
    seen: { id: string; topic: string; payload: unknown; device?: string; privacy: string }[];
    record(p: string): Promise<void>;
    publish(topic: string, payload: unknown, o?: object): string;
  };
};

async function bridgeUp(d: Device, options: BridgeOptions, key = 'main'): Promise<void> {
  await d.page.evaluate(
    async ({ options, key }) => {
      const t = (window as unknown as BT).bridgeTest;
      t.handles[key] = (await t.bridge.connect(options)) as BT['bridgeTest']['handles'][string];
    },
    { options, key },
  );
}

const stateOf = (d: Device, key = 'main') =>
  d.page.evaluate((key) => (window as unknown as BT).bridgeTest.handles[key]!.state(), key);
const statsOf = (d: Device, key = 'main') =>
  d.page.evaluate((key) => (window as unknown as BT).bridgeTest.handles[key]!.stats(), key);
const seenOn = (d: Device) => d.page.evaluate(() => (window as unknown as BT).bridgeTest.seen);
const record = (d: Device, p: string) =>
  d.page.evaluate((p) => (window as unknown as BT).bridgeTest.record(p), p);
const publish = (d: Device, topic: string, payload: unknown, o: object = {}) =>
  d.page.evaluate(
    ({ topic, payload, o }) => (window as unknown as BT).bridgeTest.publish(topic, payload, o),
    { topic, payload, o },
  );
const call = (d: Device, method: string, key = 'main', arg?: string) =>
  d.page.evaluate(
    ({ method, key, arg }) =>
      (
        (window as unknown as BT).bridgeTest.handles[key]![method] as unknown as (a?: string) => Promise<void>
      )(arg),
    { method, key, arg },
  );

let space = 0;
const nextSpace = () => `t${Date.now().toString(36)}${space++}`;

test('A\u2019s public events reach B exactly once, marked from A; local never reaches the server; private only with consent', async ({
  browser,
  nats,
  raw,
}) => {
  const s = nextSpace();
  const tap = wiretap(raw);
  const a = await openDevice(browser, 'A');
  const b = await openDevice(browser, 'B');
  try {
    const base = { servers: nats.wsUrl, space: s, export: ['demo.>'], import: ['demo.>'] };
    await record(b, 'demo.>');
    await bridgeUp(a, { ...base, device: 'devA' });
    await bridgeUp(b, { ...base, device: 'devB' });
    await expect.poll(async () => (await stateOf(a)).state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(async () => (await stateOf(b)).state, { timeout: 30_000 }).toBe('connected');

    for (let i = 0; i < 3; i++)
      await publish(a, 'demo.pub', { n: i, mark: 'PUBLIC-MARK' }, { privacy: 'public' });
    await publish(a, 'demo.loc', { mark: 'LOCAL-SECRET-MARK' }, { privacy: 'local' });
    await publish(a, 'demo.priv', { mark: 'PRIVATE-BEFORE-CONSENT' }, { privacy: 'private' });
    await publish(a, 'demo.pub', { n: 3, mark: 'PUBLIC-MARK' }, { privacy: 'public' });

    await expect
      .poll(async () => (await seenOn(b)).filter((e) => e.topic === 'demo.pub').length, { timeout: 30_000 })
      .toBe(4);
    await call(a, 'grantPrivate');
    await publish(a, 'demo.priv', { mark: 'PRIVATE-AFTER-CONSENT' }, { privacy: 'private' });
    await expect
      .poll(async () => (await seenOn(b)).filter((e) => e.topic === 'demo.priv').length, { timeout: 30_000 })
      .toBe(1);
    await call(a, 'revokePrivate');
    await publish(a, 'demo.priv', { mark: 'PRIVATE-AFTER-REVOKE' }, { privacy: 'private' });
    await publish(a, 'demo.pub', { n: 4, mark: 'SENTINEL' }, { privacy: 'public' });
    await expect
      .poll(async () => (await seenOn(b)).some((e) => (e.payload as { mark?: string }).mark === 'SENTINEL'), {
        timeout: 30_000,
      })
      .toBe(true);
    await expect
      .poll(() => tap.msgs.some((m) => m.text.includes('SENTINEL')), { timeout: 30_000 })
      .toBe(true);

    const got = await seenOn(b);
    const pub = got.filter((e) => e.topic === 'demo.pub');
    expect(pub.map((e) => (e.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(pub.map((e) => e.id)).size).toBe(5);
    expect(got.every((e) => e.device === 'devA')).toBe(true);
    expect(
      got.filter((e) => e.topic === 'demo.priv').map((e) => (e.payload as { mark: string }).mark),
    ).toEqual(['PRIVATE-AFTER-CONSENT']);
    expect(got.some((e) => e.topic === 'demo.loc')).toBe(false);

    const wire = tap.msgs.filter((m) => m.subject.startsWith(`${s}.`));
    expect(wire.some((m) => m.text.includes('LOCAL-SECRET-MARK'))).toBe(false);
    expect(wire.some((m) => m.text.includes('PRIVATE-BEFORE-CONSENT'))).toBe(false);
    expect(wire.some((m) => m.text.includes('PRIVATE-AFTER-REVOKE'))).toBe(false);
    expect(wire.filter((m) => m.text.includes('PRIVATE-AFTER-CONSENT'))).toHaveLength(1);
    expect(wire.every((m) => m.subject.startsWith(`${s}.r.devA.demo.`))).toBe(true);

    const stats = await statsOf(a);
    expect(stats.withheld).toMatchObject({ local: 1, 'no-consent': 2 });
    expect(stats.exported).toBe(6);
  } finally {
    tap.stop();
    await a.close();
    await b.close();
  }
});

test('a local expression reading crosses only through its declared step: the words alone, private, with consent for the step and the bridge', async ({
  browser,
  nats,
  raw,
}) => {
  const s = nextSpace();
  const tap = wiretap(raw);
  const a = await openDevice(browser, 'A');
  const b = await openDevice(browser, 'B');
  const reading = (n: number) => ({
    frame: n,
    backend: 'onnxruntime-wasm',
    faces: [
      {
        box: { x: 111.5, y: 222.5, width: 33.25, height: 44.25 },
        expression: 'happy',
        score: 0.875,
        scores: { happy: 0.875, surprise: 0.0625 },
      },
    ],
    mark: 'BOX-AND-PIXELS-MARK',
  });
  try {
    const topics = {
      export: ['vision.face.expression', 'demo.>'],
      import: ['vision.face.expression', 'demo.>'],
    };
    await record(b, '>');
    await bridgeUp(a, {
      servers: nats.wsUrl,
      space: s,
      device: 'devA',
      ...topics,
      declassify: { 'vision.face.expression': 'expression.devices' },
    });
    await bridgeUp(b, { servers: nats.wsUrl, space: s, device: 'devB', ...topics });
    await expect.poll(async () => (await stateOf(a)).state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(async () => (await stateOf(b)).state, { timeout: 30_000 }).toBe('connected');
    const sentinel = async (mark: string) => {
      await publish(a, 'demo.pub', { mark }, { privacy: 'public' });
      await expect
        .poll(async () => (await seenOn(b)).some((e) => (e.payload as { mark?: string }).mark === mark), {
          timeout: 30_000,
        })
        .toBe(true);
    };
    const expressionsOnB = async () => (await seenOn(b)).filter((e) => e.topic === 'vision.face.expression');

    // Neither consent: the reading stays on A. The step alone: still not, private needs the bridge's consent.
    await publish(a, 'vision.face.expression', reading(1), { privacy: 'local' });
    await call(a, 'grantStep', 'main', 'expression.devices');
    await publish(a, 'vision.face.expression', reading(2), { privacy: 'local' });
    await sentinel('S1');
    expect(await expressionsOnB()).toEqual([]);

    await call(a, 'grantPrivate');
    await publish(a, 'vision.face.expression', reading(3), { privacy: 'local' });
    await expect.poll(async () => (await expressionsOnB()).length, { timeout: 30_000 }).toBe(1);
    const [got] = await expressionsOnB();
    expect(got).toMatchObject({ device: 'devA', privacy: 'private' });
    expect(got!.payload).toEqual({ frame: 3, faces: [{ expression: 'happy', score: 0.875 }] });

    // Revoking the step stops it at once, with the bridge's own consent still given.
    await call(a, 'revokeStep', 'main', 'expression.devices');
    await publish(a, 'vision.face.expression', reading(4), { privacy: 'local' });
    await sentinel('S2');
    expect(await expressionsOnB()).toHaveLength(1);

    const wire = tap.msgs.filter((m) => m.subject.startsWith(`${s}.`));
    const crossed = wire.filter((m) => m.subject.endsWith('.vision.face.expression'));
    expect(crossed).toHaveLength(1);
    expect(crossed[0]!.text).toContain('happy');
    for (const leak of ['BOX-AND-PIXELS-MARK', 'surprise', 'onnxruntime-wasm', 'box'])
      expect(
        wire.some((m) => m.text.includes(leak)),
        `"${leak}" on the wire`,
      ).toBe(false);
    expect((await statsOf(a)).withheld).toMatchObject({ 'declassify-no-consent': 2, 'no-consent': 1 });
  } finally {
    tap.stop();
    await a.close();
    await b.close();
  }
});

test('createSentio().bridge: two front-door runtimes share public events over NATS, and close() ends the bridge worker', async ({
  browser,
  nats,
}) => {
  test.setTimeout(180_000);
  const s = nextSpace();
  type Win = { s: Awaited<ReturnType<typeof window.frontDoor.createSentio>>; got: unknown[] };
  const device = async (name: string) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/e2e/pages/front-door.html');
    await expect(page.locator('#status')).toHaveText('ready');
    await page.evaluate(
      async ({ name, servers, space }) => {
        const w = window as unknown as Win;
        w.got = [];
        w.s = await window.frontDoor.createSentio({ name: `fd-${name}` });
        await w.s.bus.subscribe(
          'demo.>',
          (e) => void w.got.push({ payload: e.payload, device: e.meta?.device }),
        ).ready;
        const h = await w.s.bridge.connect({
          servers,
          space,
          device: name,
          export: ['demo.>'],
          import: ['demo.>'],
        });
        for (;;) {
          if ((await h.state()).state === 'connected') return;
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      { name, servers: nats.wsUrl, space: s },
    );
    return { page, close: () => context.close() };
  };
  const a = await device('fdA');
  const b = await device('fdB');
  try {
    await a.page.evaluate(() =>
      (window as unknown as Win).s.bus.publish('demo.hi', { n: 1 }, { privacy: 'public' }),
    );
    await expect
      .poll(() => b.page.evaluate(() => (window as unknown as Win).got), { timeout: 30_000 })
      .toEqual([{ payload: { n: 1 }, device: 'fdA' }]);
    expect(a.page.workers().some((w) => w.url().includes('bridge.worker'))).toBe(true);
    await a.page.evaluate(() => (window as unknown as Win).s.close());
    await expect
      .poll(() => a.page.workers().filter((w) => w.url().includes('bridge.worker')).length, {
        timeout: 30_000,
      })
      .toBe(0);
    // Closed: connecting again is refused by name.
    expect(
      await a.page.evaluate(() =>
        (window as unknown as Win).s.bridge
          .connect({ servers: 'ws://127.0.0.1:1', device: 'x', export: [], import: [] })
          .then(
            () => 'connected',
            (e: Error) => e.name,
          ),
      ),
    ).toBe('SentioClosedError');
  } finally {
    await a.close();
    await b.close();
  }
});

test('three devices on one space create no loops: each event crosses once, none comes back', async ({
  browser,
  nats,
  raw,
}) => {
  const s = nextSpace();
  const tap = wiretap(raw);
  const devices = await Promise.all(['A', 'B', 'C'].map((n) => openDevice(browser, n)));
  const [a, b, c] = devices as [Device, Device, Device];
  try {
    for (const d of devices) {
      await record(d, 'demo.>');
      await bridgeUp(d, {
        servers: nats.wsUrl,
        space: s,
        device: `dev${d.name}`,
        export: ['demo.>'],
        import: ['demo.>'],
      });
    }
    for (const d of devices)
      await expect.poll(async () => (await stateOf(d)).state, { timeout: 30_000 }).toBe('connected');
    for (let i = 0; i < 5; i++) await publish(a, 'demo.line', { n: i }, { privacy: 'public' });
    // C's sentinel goes out after B and C have re-published whatever they would (nothing, if no loop).
    await expect
      .poll(async () => (await seenOn(c)).filter((e) => e.device === 'devA').length, { timeout: 30_000 })
      .toBe(5);
    await expect
      .poll(async () => (await seenOn(b)).filter((e) => e.device === 'devA').length, { timeout: 30_000 })
      .toBe(5);
    await publish(c, 'demo.sentinel', { done: true }, { privacy: 'public' });
    for (const d of [a, b])
      await expect
        .poll(async () => (await seenOn(d)).some((e) => e.topic === 'demo.sentinel'), { timeout: 30_000 })
        .toBe(true);
    const wire = tap.msgs.filter((m) => m.subject.startsWith(`${s}.`));
    expect(wire.filter((m) => m.subject.startsWith(`${s}.r.devA.`))).toHaveLength(5);
    expect(wire.filter((m) => m.subject.startsWith(`${s}.r.devB.`))).toHaveLength(0);
    expect(wire.filter((m) => m.subject.startsWith(`${s}.r.devC.`))).toHaveLength(1);
    // A sees its own 5 locally (never from the wire) and C's sentinel once.
    const onA = await seenOn(a);
    expect(onA.filter((e) => e.device === 'devA')).toHaveLength(0);
    expect(onA.filter((e) => e.topic === 'demo.line')).toHaveLength(5);
    expect(onA.filter((e) => e.topic === 'demo.sentinel')).toHaveLength(1);
    expect((await seenOn(b)).filter((e) => e.topic === 'demo.line')).toHaveLength(5);
    expect((await seenOn(c)).filter((e) => e.topic === 'demo.line')).toHaveLength(5);
  } finally {
    tap.stop();
    for (const d of devices) await d.close();
  }
});

test('malformed, oversize, mislabelled and flood messages from a raw client are refused by name and counted; the bridge goes on', async ({
  browser,
  nats,
  raw,
}) => {
  const { eventToProto } = await import('../src/events/codec-proto');
  const { createIdGenerator } = await import('../src/events/id');
  const ids = createIdGenerator();
  const s = nextSpace();
  const a = await openDevice(browser, 'A');
  const b = await openDevice(browser, 'B');
  try {
    const base = {
      servers: nats.wsUrl,
      space: s,
      export: ['demo.>'],
      import: ['demo.>'],
      maxInboundRate: 50,
    };
    await record(b, 'demo.>');
    await bridgeUp(a, { ...base, device: 'devA' });
    await bridgeUp(b, { ...base, device: 'devB' });
    for (const d of [a, b])
      await expect.poll(async () => (await stateOf(d)).state, { timeout: 30_000 }).toBe('connected');

    const valid = (topic: string, meta?: Record<string, string>) =>
      eventToProto({
        id: ids.next(),
        type: 'demo',
        topic,
        ts: Date.now(),
        source: 'evil',
        privacy: 'public',
        qos: 'batched',
        payload: { ok: true },
        ...(meta ? { meta } : {}),
      });
    raw.publish(`${s}.r.evil.demo.x`, new TextEncoder().encode('this is not protobuf \u0000\u00ff'));
    raw.publish(`${s}.r.evil.demo.x`, new Uint8Array(300 * 1024));
    raw.publish(`${s}.r.evil.demo.x`, valid('demo.other'));
    raw.publish(`${s}.r.evil.demo.x`, valid('demo.x', { device: 'devA' }));
    for (let i = 0; i < 400; i++) raw.publish(`${s}.r.flood.demo.flood`, valid('demo.flood'));
    await raw.flush();

    await publish(a, 'demo.after', { still: 'running' }, { privacy: 'public' });
    await expect
      .poll(async () => (await seenOn(b)).some((e) => e.topic === 'demo.after'), { timeout: 30_000 })
      .toBe(true);
    await expect
      .poll(async () => (await statsOf(b)).rejected.RateLimitedError ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const stats = await statsOf(b);
    expect(stats.rejected).toMatchObject({
      EventValidationError: 1,
      OversizeError: 1,
      SubjectMismatchError: 2,
    });
    expect(stats.lastErrors.join('\n')).toMatch(/RateLimitedError: "flood" sends more than 50 events\/s/);
    const flood = (await seenOn(b)).filter((e) => e.topic === 'demo.flood');
    expect(flood.length).toBeGreaterThan(0);
    expect(flood.length + (stats.rejected.RateLimitedError ?? 0)).toBe(400);
    expect((await seenOn(b)).some((e) => e.topic === 'demo.x' || e.topic === 'demo.other')).toBe(false);
    expect((await stateOf(b)).state).toBe('connected');
  } finally {
    await a.close();
    await b.close();
  }
});

test('the server killed while A publishes and restarted: B ends with every durable event exactly once', async ({
  browser,
}) => {
  const { startNatsServer } = await import('../scripts/lib/nats.mjs');
  const server = await startNatsServer();
  const s = nextSpace();
  const a = await openDevice(browser, 'A');
  const b = await openDevice(browser, 'B');
  try {
    const base = {
      servers: server.wsUrl,
      space: s,
      export: ['demo.>'],
      import: ['demo.>'],
      durable: ['demo.durable.>'],
    };
    await record(b, 'demo.durable.>');
    await bridgeUp(a, { ...base, device: 'devA' });
    await bridgeUp(b, { ...base, device: 'devB' });
    for (const d of [a, b])
      await expect.poll(async () => (await stateOf(d)).state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(async () => (await statsOf(b)).lastErrors, { timeout: 5_000 }).toEqual([]);

    for (let i = 0; i < 20; i++) await publish(a, 'demo.durable.n', { i }, { privacy: 'public' });
    await server.stop();
    for (let i = 20; i < 30; i++) await publish(a, 'demo.durable.n', { i }, { privacy: 'public' });
    await expect.poll(async () => (await stateOf(a)).state, { timeout: 30_000 }).toBe('reconnecting');
    for (let i = 30; i < 40; i++) await publish(a, 'demo.durable.n', { i }, { privacy: 'public' });
    await expect.poll(async () => (await statsOf(a)).outboxDepth, { timeout: 30_000 }).toBeGreaterThan(0);
    await server.start();
    await expect.poll(async () => (await stateOf(a)).state, { timeout: 60_000 }).toBe('connected');
    await expect.poll(async () => (await statsOf(a)).outboxDepth, { timeout: 60_000 }).toBe(0);
    await expect
      .poll(async () => new Set((await seenOn(b)).map((e) => (e.payload as { i: number }).i)).size, {
        timeout: 60_000,
      })
      .toBe(40);
    const got = await seenOn(b);
    expect(got).toHaveLength(40);
    expect(new Set(got.map((e) => e.id)).size).toBe(40);
  } finally {
    await a.close();
    await b.close();
    await server.dispose();
  }
});

test('token and user/password credentials, wrong ones, a server down at start and plain ws:// to another host: clear state, named errors, retries', async ({
  browser,
}) => {
  const { startNatsServer } = await import('../scripts/lib/nats.mjs');
  const secret = 'sekret-token-4c1f';
  const server = await startNatsServer({ auth: { token: secret } });
  const a = await openDevice(browser, 'A');
  const logs: string[] = [];
  a.page.on('console', (m) => logs.push(m.text()));
  try {
    const base = { servers: server.wsUrl, space: nextSpace(), export: ['demo.>'], import: ['demo.>'] };
    await bridgeUp(a, { ...base, device: 'devA', credentials: { token: 'wrong-token' } }, 'wrong');
    await expect
      .poll(async () => (await stateOf(a, 'wrong')).lastError, { timeout: 30_000 })
      .toMatch(/Authorization/i);
    await expect
      .poll(async () => (await stateOf(a, 'wrong')).attempts, { timeout: 30_000 })
      .toBeGreaterThan(1);
    expect((await stateOf(a, 'wrong')).state).not.toBe('connected');

    await bridgeUp(a, { ...base, device: 'devA2', credentials: { token: secret } }, 'right');
    await expect.poll(async () => (await stateOf(a, 'right')).state, { timeout: 30_000 }).toBe('connected');

    await server.stop();
    await bridgeUp(a, { ...base, device: 'devA3', credentials: { token: secret } }, 'down');
    await expect
      .poll(async () => (await stateOf(a, 'down')).attempts, { timeout: 30_000 })
      .toBeGreaterThan(1);
    const down = await stateOf(a, 'down');
    expect(down.state).toBe('connecting');
    expect(down.lastError).toBeTruthy();
    await server.start();
    await expect.poll(async () => (await stateOf(a, 'down')).state, { timeout: 60_000 }).toBe('connected');

    const refused = await a.page.evaluate(async () => {
      try {
        await (window as unknown as BT).bridgeTest.bridge.connect({
          servers: 'ws://nats.example.com:8080',
          device: 'devA',
          export: [],
          import: [],
        });
        return 'connected';
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    });
    expect(refused).toMatch(/^InsecureServerError: refusing plain ws:\/\/ to nats\.example\.com/);
    const userServer = await startNatsServer({ auth: { user: 'alice', password: secret } });
    try {
      const ub = { ...base, servers: userServer.wsUrl };
      await bridgeUp(a, { ...ub, device: 'devU', credentials: { user: 'alice', password: secret } }, 'user');
      await bridgeUp(a, { ...ub, device: 'devV', credentials: { user: 'alice', password: 'nope' } }, 'badpw');
      await expect.poll(async () => (await stateOf(a, 'user')).state, { timeout: 30_000 }).toBe('connected');
      await expect
        .poll(async () => (await stateOf(a, 'badpw')).lastError, { timeout: 30_000 })
        .toMatch(/Authorization/i);
      expect(JSON.stringify(await stateOf(a, 'badpw'))).not.toContain('nope');
    } finally {
      await userServer.dispose();
    }
    expect(logs.join('\n')).not.toContain(secret);
    expect(JSON.stringify(await stateOf(a, 'right'))).not.toContain(secret);
    // The owner closes every bridge and the worker at once; the handles are gone after it.
    const afterClose = await a.page.evaluate(async () => {
      const t = (window as unknown as BT).bridgeTest as unknown as {
        bridge: { close(): Promise<void> };
        handles: Record<string, { state(): Promise<unknown> }>;
      };
      await t.bridge.close();
      return Promise.race([
        t.handles.right!.state().then(() => 'answered'),
        new Promise((r) => setTimeout(() => r('worker gone'), 2000)),
      ]);
    });
    expect(afterClose).toBe('worker gone');
  } finally {
    await a.close();
    await server.dispose();
  }
});

test('NKey and JWT (.creds) credentials: the right key connects and events cross, a wrong key or an unknown account is refused by name, no secret shows', async ({
  browser,
}) => {
  const { startNatsServer } = await import('../scripts/lib/nats.mjs');
  const alice = nkeyUser();
  const mallory = nkeyUser(); // a valid NKey the server does not list
  const org = await operatorWithAccount();
  const nkeyServer = await startNatsServer({ auth: alice.auth });
  const jwtServer = await startNatsServer({ auth: org.auth });
  const a = await openDevice(browser, 'A');
  const b = await openDevice(browser, 'B');
  const logs: string[] = [];
  for (const d of [a, b]) d.page.on('console', (m) => logs.push(m.text()));
  const [credsA, credsB, stranger] = await Promise.all([
    org.userCreds('devA'),
    org.userCreds('devB'),
    org.strangerCreds('devX'),
  ]);
  try {
    const viaNkey = { servers: nkeyServer.wsUrl, space: nextSpace(), export: ['demo.>'], import: ['demo.>'] };
    await record(b, 'demo.>');
    await bridgeUp(a, { ...viaNkey, device: 'devA', credentials: { nkeySeed: alice.seed } }, 'nkey');
    await bridgeUp(b, { ...viaNkey, device: 'devB', credentials: { nkeySeed: alice.seed } }, 'nkey');
    await bridgeUp(a, { ...viaNkey, device: 'devM', credentials: { nkeySeed: mallory.seed } }, 'wrong-nkey');
    await expect.poll(async () => (await stateOf(a, 'nkey')).state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(async () => (await stateOf(b, 'nkey')).state, { timeout: 30_000 }).toBe('connected');
    await expect
      .poll(async () => (await stateOf(a, 'wrong-nkey')).lastError, { timeout: 30_000 })
      .toMatch(/Authorization/i);
    expect((await stateOf(a, 'wrong-nkey')).state).not.toBe('connected');
    await publish(a, 'demo.nkey', { via: 'nkey' }, { privacy: 'public' });
    await expect
      .poll(async () => (await seenOn(b)).filter((e) => e.topic === 'demo.nkey').length, { timeout: 30_000 })
      .toBe(1);

    // One bridge per device at a time: with both up, A's NKey bridge would also carry the JWT part's event, and
    // B would get it from both servers (each bridge drops its own duplicates, not another's).
    const nkeyStates = await Promise.all(['nkey', 'wrong-nkey'].map((k) => stateOf(a, k)));
    for (const [d, key] of [
      [a, 'nkey'],
      [b, 'nkey'],
      [a, 'wrong-nkey'],
    ] as const)
      await call(d, 'close', key);
    const viaJwt = { servers: jwtServer.wsUrl, space: nextSpace(), export: ['demo.>'], import: ['demo.>'] };
    await bridgeUp(a, { ...viaJwt, device: 'devA', credentials: { creds: credsA } }, 'jwt');
    await bridgeUp(b, { ...viaJwt, device: 'devB', credentials: { creds: credsB } }, 'jwt');
    await bridgeUp(a, { ...viaJwt, device: 'devX', credentials: { creds: stranger } }, 'stranger');
    await expect.poll(async () => (await stateOf(a, 'jwt')).state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(async () => (await stateOf(b, 'jwt')).state, { timeout: 30_000 }).toBe('connected');
    await expect
      .poll(async () => (await stateOf(a, 'stranger')).lastError, { timeout: 30_000 })
      .toMatch(/Authorization/i);
    await publish(a, 'demo.jwt', { via: 'jwt' }, { privacy: 'public' });
    await expect
      .poll(async () => (await seenOn(b)).filter((e) => e.topic === 'demo.jwt').length, { timeout: 30_000 })
      .toBe(1);
    const got = await seenOn(b);
    expect(got.filter((e) => e.topic === 'demo.nkey' || e.topic === 'demo.jwt')).toHaveLength(2);
    expect(
      got.filter((e) => e.topic === 'demo.nkey' || e.topic === 'demo.jwt').every((e) => e.device === 'devA'),
    ).toBe(true);

    const secrets = [
      alice.seed,
      mallory.seed,
      ...[credsA, credsB, stranger].map((c) => c.match(/^SU[A-Z0-9]+$/m)![0]),
    ];
    const states = JSON.stringify([
      ...nkeyStates,
      ...(await Promise.all(['jwt', 'stranger'].map((k) => stateOf(a, k)))),
    ]);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(40);
      expect(states).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
    }
  } finally {
    await a.close();
    await b.close();
    await nkeyServer.dispose();
    await jwtServer.dispose();
  }
});

test('the app\u2019s Devices panel connects, shows its state and the other devices it hears from', async ({
  browser,
  nats,
}) => {
  const s = nextSpace();
  const context = await browser.newContext();
  const app = await context.newPage();
  const b = await openDevice(browser, 'B');
  try {
    await app.goto('/');
    const panel = app.getByTestId('devices');
    await expect(panel).toBeVisible({ timeout: 60_000 });
    expect(await app.evaluate(() => typeof window.sentio?.bridge?.connect)).toBe('function');
    await app.getByTestId('devices-server').fill(nats.wsUrl);
    await app.getByTestId('devices-device').fill('appdev');
    await app.getByTestId('devices-exportTopics').fill('demo.>');
    await app.getByTestId('devices-importTopics').fill('demo.>');
    // The space is the default; a unique topic keeps this test apart from the others on the server.
    await app.getByTestId('devices-connect').click();
    await expect(app.getByTestId('devices-state')).toContainText('connected', { timeout: 30_000 });

    await bridgeUp(b, { servers: nats.wsUrl, device: 'devB', export: ['demo.>'], import: [] });
    await expect.poll(async () => (await stateOf(b)).state, { timeout: 30_000 }).toBe('connected');
    await publish(b, `demo.${s}`, { hello: true }, { privacy: 'public' });
    await expect(app.getByTestId('devices-peers')).toContainText(`devB: 1 events`, { timeout: 30_000 });
    await expect(app.getByTestId('devices-counts')).toContainText('imported 1');
  } finally {
    await context.close();
    await b.close();
  }
});

test('the Devices panel cannot be typed into before its saved settings are in, so they never overwrite what was typed', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('devices')).toBeVisible({ timeout: 60_000 });
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('sentio');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          tx.objectStore('settings').put({
            key: 'bridge.settings',
            value: { device: 'saved-device', exportTopics: 'saved.>' },
          });
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  // How the device field looks the moment it is in the document: a field that takes typing before the saved
  // settings are read loses what was typed when they arrive.
  await page.addInitScript(() => {
    const seen = new MutationObserver(() => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="devices-device"]');
      if (!input?.isConnected) return;
      (window as { firstSight?: object }).firstSight = {
        disabled: input.matches(':disabled'),
        value: input.value,
      };
      seen.disconnect();
    });
    seen.observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  const device = page.getByTestId('devices-device');
  await expect(device).toBeVisible({ timeout: 60_000 });
  const first = await page.evaluate(
    () => (window as { firstSight?: { disabled: boolean; value: string } }).firstSight,
  );
  expect(first, 'the field was seen').toBeDefined();
  expect(first!.disabled || first!.value === 'saved-device', JSON.stringify(first)).toBe(true);
  await device.fill('typed-device');
  await expect(page.getByTestId('devices-exportTopics')).toHaveValue('saved.>');
  await expect(device).toHaveValue('typed-device');
});

test('the Devices panel signs in with an NKey it keeps in this browser; plain ws:// to another machine only when ticked', async ({
  browser,
}) => {
  const { startNatsServer } = await import('../scripts/lib/nats.mjs');
  const alice = nkeyUser();
  const server = await startNatsServer({ auth: alice.auth });
  const context = await browser.newContext();
  const app = await context.newPage();
  try {
    await app.goto('/');
    await expect(app.getByTestId('devices')).toBeVisible({ timeout: 60_000 });
    // Only the fields of the chosen sign-in are shown.
    await expect(app.getByTestId('devices-secret')).toBeHidden();
    await app.getByTestId('devices-auth').selectOption('nkey');
    await expect(app.getByTestId('devices-secret')).toBeVisible();
    await expect(app.getByTestId('devices-user')).toBeHidden();
    await expect(app.getByTestId('devices-creds')).toBeHidden();
    await app.getByTestId('devices-server').fill(server.wsUrl);
    await app.getByTestId('devices-device').fill('panel-nkey');
    await app.getByTestId('devices-secret').fill(alice.seed);
    await app.getByTestId('devices-connect').click();
    await expect(app.getByTestId('devices-state')).toContainText('connected', { timeout: 30_000 });
    await expect(app.getByTestId('devices-state')).not.toContainText(alice.seed);

    // Kept with the other settings: a reload signs in the same way.
    await app.reload();
    await expect(app.getByTestId('devices-auth')).toHaveValue('nkey', { timeout: 60_000 });
    await expect(app.getByTestId('devices-secret')).toHaveValue(alice.seed);

    await app.getByTestId('devices-server').fill('ws://nats.example.com:8080');
    await app.getByTestId('devices-connect').click();
    await expect(app.getByTestId('devices-state')).toContainText(
      'InsecureServerError: refusing plain ws:// to nats.example.com',
    );
    await app.getByTestId('devices-allowInsecure').check();
    await app.getByTestId('devices-connect').click();
    // Allowed now: it tries (and, with no such host here, keeps trying) instead of refusing.
    await expect(app.getByTestId('devices-state')).toContainText(/connecting|reconnecting/, {
      timeout: 30_000,
    });
    await expect(app.getByTestId('devices-state')).not.toContainText('InsecureServerError');
  } finally {
    await context.close();
    await server.dispose();
  }
});

test('seed 002: a cloud agent in Node asks the edge to run tools over NATS: run once under redelivery, refused off the allowlist, a decline recorded and not run', async ({
  browser,
  nats,
}) => {
  test.setTimeout(180_000);
  const { startCloudAgent } = await import('../examples/cloud-agent');
  const context = await browser.newContext();
  const app = await context.newPage();
  const cloudName = `cloud${nextSpace()}`;
  const agent = await startCloudAgent({ servers: nats.url, device: cloudName });
  try {
    await app.goto('/');
    await expect(app.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).', {
      timeout: 60_000,
    });
    await app.getByTestId('devices-server').fill(nats.wsUrl);
    await app.getByTestId('devices-device').fill('edge');
    await app.getByTestId('devices-importTopics').fill('tool.call');
    await app.getByTestId('devices-exportTopics').fill('tool.result');
    // Results are private: they cross only with consent for this server.
    await app.getByTestId('devices-consent').check();
    await app.getByTestId('devices-connect').click();
    await expect(app.getByTestId('devices-state')).toContainText('connected', { timeout: 30_000 });

    const message = `hello from ${cloudName}`;
    const first = await agent.callTool({ key: 'alert-1', tool: 'alert.notify', args: { message } });
    expect(first).toMatchObject({ key: `${cloudName}/alert-1`, status: 'performed' });
    // A redelivery (the same message again) and a retry (the same key, a new message): one alert only.
    agent.resend('alert-1');
    const retry = await agent.callTool({ key: 'alert-1', tool: 'alert.notify', args: { message } });
    expect(retry).toMatchObject({ key: `${cloudName}/alert-1`, status: 'performed' });
    await expect(app.getByTestId('monitor-alert').filter({ hasText: message })).toHaveCount(1);

    const refused = await agent.callTool({ key: 'x-1', tool: 'robot.selfDestruct' });
    expect(refused).toMatchObject({ status: 'refused' });
    expect((refused as { error: string }).error).toMatch(/tool "robot.selfDestruct" is not on the allowlist/);

    const declined = agent.callTool({ key: 'off-1', tool: 'robot.shutdown', reason: 'maintenance' });
    const dialog = app.getByTestId('tool-confirm');
    await expect(dialog).toContainText(`Device "${cloudName}" asks for a risky tool because of maintenance`, {
      timeout: 30_000,
    });
    await dialog.getByTestId('confirm-decline').click();
    expect(await declined).toMatchObject({ key: `${cloudName}/off-1`, status: 'declined' });
    await expect(app.getByTestId('robot-state')).not.toHaveText(/off/i);
    await expect(app.getByTestId('tool-history')).toContainText('robot.shutdown');
    expect(agent.results.map((r) => r.status)).toEqual([
      'performed',
      'performed',
      'refused',
      'awaiting-confirmation',
      'declined',
    ]);
  } finally {
    await agent.close();
    await context.close();
  }
});
