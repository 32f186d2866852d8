// Host logic in Node with simulated time. The plugin runtime runs in this thread over a real MessageChannel:
// the same protocol and checks as in the browser, WITHOUT the browser's isolation (that is what
// e2e/plugins.spec.ts tests). Here: supervision timing (backoff, health timeouts, disabling) and counting.
import { afterEach, beforeAll, expect, test } from 'vitest';
import { createLocalBus, type LocalBus } from '../bus/local-bus';
import type { PluginState } from './lifecycle';
import { parseManifest, type ManifestInput } from './manifest';
import { createPluginHost, PLUGIN_STATUS_TOPIC, type PluginHost } from './plugin-host';
import { createSimulatedClock } from '../platform/clock';
import type { Sandbox, SandboxSpec } from './sandbox-frame';
import { sandboxRuntimeMain, type PluginDefinition } from './sandbox-runtime';
import { exportPublicKey, signPlugin, type TrustedKey } from './signature';

/** A simulated clock driven by `advance`, settling message deliveries between timers, so backoff and health
 * timeouts are checked to the millisecond. */
function simulatedTime() {
  const clock = createSimulatedClock(1_000_000);
  return {
    clock,
    async advance(ms: number) {
      const end = clock.now() + ms;
      for (;;) {
        await settle();
        const due = clock.nextDue();
        if (due === undefined || due > end) break;
        clock.advance(due - clock.now());
      }
      clock.advance(end - clock.now());
      await settle();
    },
  };
}

/** Lets MessagePort deliveries and microtasks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** The plugin runtime in this thread: `importScripts` evaluates the entry's text. */
function inThreadSandbox(spec: SandboxSpec): Promise<Sandbox> {
  const { port1, port2 } = new MessageChannel();
  const scope = {
    onmessage: null as ((e: MessageEvent) => void) | null,
    addEventListener() {},
    sentio: undefined as { definePlugin(def: PluginDefinition): void } | undefined,
    importScripts() {
      new Function('sentio', new TextDecoder().decode(spec.entry))(scope.sentio);
    },
  };
  sandboxRuntimeMain(scope);
  scope.onmessage!({
    data: { type: 'connect', entryUrl: 'in-thread' },
    ports: [port2],
  } as unknown as MessageEvent);
  return Promise.resolve({
    port: port1 as unknown as globalThis.MessagePort,
    destroy() {
      port1.close();
      port2.close();
    },
  });
}

let keys: CryptoKeyPair;
let trust: TrustedKey[];
let bus: LocalBus;
let host: PluginHost;

beforeAll(async () => {
  keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  trust = [
    { keyId: 't', algorithm: 'Ed25519', publicKey: await exportPublicKey(keys.publicKey), label: 't' },
  ];
});

afterEach(() => {
  host?.close();
  bus?.close();
});

async function pkg(id: string, source: string, caps: Partial<ManifestInput['capabilities']> = {}) {
  const entry = new TextEncoder().encode(source);
  const m: ManifestInput = {
    id,
    version: '1.0.0',
    kind: 'tool',
    name: id,
    entry: 'entry.js',
    capabilities: { subscribe: ['work'], publish: [`plugin.${id}.>`], ...caps },
  };
  return { manifest: await signPlugin(parseManifest(m), entry, keys.privateKey, 't'), entry };
}

function setup(limits = {}) {
  const time = simulatedTime();
  bus = createLocalBus({ name: 'test', clock: time.clock });
  const states: PluginState[] = [];
  bus.subscribe(PLUGIN_STATUS_TOPIC, (e) => void states.push((e.payload as { state: PluginState }).state), {
    policy: { kind: 'dropOldest', n: 1000 },
  });
  host = createPluginHost({
    bus,
    trust,
    sandbox: inThreadSandbox,
    clock: time.clock,
    limits: { healthIntervalMs: 1000, healthTimeoutMs: 3000, backoffMs: 250, maxRestarts: 2, ...limits },
  });
  return { time, states };
}

async function startNow(p: Promise<unknown>, time: ReturnType<typeof simulatedTime>) {
  let done = false;
  void p.finally(() => (done = true));
  while (!done) await time.advance(0);
  return p;
}

test('a plugin that throws on every event is restarted after 250 then 500 ms, then disabled', async () => {
  const { time, states } = setup({ maxErrorsInWindow: 2 });
  const thrower = await pkg(
    'thrower',
    `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent() { throw new TypeError('no'); } });`,
  );
  await startNow(host.start(thrower), time);
  const backoff: number[] = [];
  for (let round = 0; round < 3; round++) {
    bus.publish('work', 1);
    bus.publish('work', 2);
    await time.advance(0);
    const s = host.get('thrower')!.stats().state;
    if (s.status === 'restarting') {
      backoff.push(s.at - time.clock.now());
      await time.advance(s.at - time.clock.now());
      await time.advance(0);
    }
  }
  expect(backoff).toEqual([250, 500]);
  const stats = host.get('thrower')!.stats();
  expect(stats.state).toMatchObject({ status: 'disabled', after: 'handler' });
  expect(stats.failures).toEqual({ handler: 6 });
  expect(stats.restarts).toBe(2);
  expect(stats.lastError).toBe('TypeError: no');
  // Every change is published (errors too, hence repeats); the sequence of states is:
  const sequence = states.map((s) => s.status).filter((s, i, all) => s !== all[i - 1]);
  expect(sequence).toEqual([
    'starting',
    'running',
    'restarting',
    'starting',
    'running',
    'restarting',
    'starting',
    'running',
    'disabled',
  ]);
});

test('a plugin that never answers a health check is isolated after the health timeout', async () => {
  const { time } = setup({ maxRestarts: 0 });
  const stuck = await pkg('stuck', `sentio.definePlugin({ health() { return new Promise(() => {}); } });`);
  await startNow(host.start(stuck), time);
  const t0 = time.clock.now();
  await time.advance(2999);
  expect(host.get('stuck')!.stats().state.status).toBe('running');
  // The ping goes out at 1000 ms (the first check); unanswered 3000 ms later, at a 1000-ms check tick.
  await time.advance(4000 - 2999);
  expect(host.get('stuck')!.stats().state).toMatchObject({ status: 'disabled', after: 'unresponsive' });
  expect(time.clock.now() - t0).toBe(4000);
});

test('a healthy plugin answers pings and its events are counted as handled', async () => {
  const { time } = setup();
  const echo = await pkg(
    'echo',
    `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent(e, ctx) { ctx.publish('plugin.echo.out', e.payload * 2); } });`,
  );
  const out: unknown[] = [];
  bus.subscribe('plugin.echo.out', (e) => void out.push(e.payload), {
    policy: { kind: 'dropOldest', n: 100 },
  });
  await startNow(host.start(echo), time);
  for (let i = 0; i < 10; i++) bus.publish('work', i);
  await time.advance(60_000);
  expect(out).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  const stats = host.get('echo')!.stats();
  expect(stats).toMatchObject({ handled: 10, published: 10, failures: {}, failureRate: 0, restarts: 0 });
  expect(stats.state.status).toBe('running');
});

test('a slow plugin gets at most maxInFlight events; the rest are dropped and counted, not queued', async () => {
  const { time } = setup({ maxInFlight: 4 });
  const slow = await pkg(
    'slow',
    `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent() { return new Promise(() => {}); } });`,
  );
  await startNow(host.start(slow), time);
  for (let i = 0; i < 100; i++) bus.publish('work', i);
  await time.advance(0);
  expect(host.get('slow')!.stats()).toMatchObject({ droppedBacklog: 96, handled: 0 });
});

test('what a plugin publishes keeps the strictest label of what it was given', async () => {
  const { time } = setup();
  const launder = await pkg(
    'launder',
    `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('work'); }, onEvent(e, ctx) {
      ctx.publish('plugin.launder.copy', e.payload, { privacy: 'public' });
      ctx.publish('plugin.launder.kept', e.payload, { privacy: e.privacy });
    } });`,
  );
  const out: string[] = [];
  bus.subscribe('plugin.launder.>', (e) => void out.push(`${e.topic}:${e.privacy}`), {
    policy: { kind: 'dropOldest', n: 100 },
  });
  await startNow(host.start(launder), time);
  bus.publish('work', 'weather', { privacy: 'public' });
  await time.advance(0);
  bus.publish('work', 'face', { privacy: 'local' });
  await time.advance(0);
  bus.publish('work', 'weather again', { privacy: 'public' });
  await time.advance(0);
  expect(out).toEqual([
    'plugin.launder.copy:public',
    'plugin.launder.kept:public',
    'plugin.launder.kept:local',
  ]);
  expect(host.get('launder')!.stats().refused.privacy).toBe(3);
});

test('a sandbox that never comes up counts as a failed start after startTimeoutMs', async () => {
  const time = simulatedTime();
  bus = createLocalBus({ name: 'test', clock: time.clock });
  host = createPluginHost({
    bus,
    trust,
    sandbox: () => new Promise<Sandbox>(() => {}),
    clock: time.clock,
    limits: { startTimeoutMs: 5000, maxRestarts: 0 },
  });
  const p = host.start(await pkg('never', 'sentio.definePlugin({});'));
  p.catch(() => {});
  // Signature verification is real (asynchronous) crypto: wait for the runner to exist before moving time.
  while (!host.get('never')) await settle();
  await time.advance(4999);
  expect(host.get('never')!.stats().state.status).toBe('starting');
  await time.advance(1);
  await expect(p).rejects.toThrow(
    /plugin never disabled: 1 failures in a row; last \(init\): not ready within 5000 ms/,
  );
});
