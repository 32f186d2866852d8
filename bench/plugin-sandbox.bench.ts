// Events through a sandboxed plugin (bus → host → MessagePort → opaque-origin iframe's worker → back → bus)
// against the same handler subscribed in-process, and what a plugin stuck in an infinite loop costs the rest
// of the runtime while it is still spinning (health checks are slowed down here so it is never isolated
// during the measurement: the worst case).
import { createLocalBus, type LocalBus } from '../src/bus/local-bus';
import { createPluginHost, type PluginHost, type PluginPackage } from '../src/plugins/plugin-host';
import { DEFAULT_HOST_LIMITS, type HostLimits } from '../src/plugins/runner-deps';
import { rawRoundTrips, rawThroughput } from './raw-baselines';
import { parseManifest, type ManifestInput } from '../src/plugins/manifest';
import { createSandbox } from '../src/plugins/sandbox-frame';
import { exportPublicKey, signPlugin, type TrustedKey } from '../src/plugins/signature';
import { compare, median, percentile, runBench } from './harness';
import { sampleEvent } from './sample-events';

const N = 20_000;
const CHUNK = 256;
/** The in-process path is ~100× faster: more events, so a round lasts long enough to measure. */
const N_LOCAL = 20 * N;
const ROUNDS = 3;

interface Face {
  box: number[];
  score: number;
}

/** The handler under test, shared verbatim by both paths (the plugin gets its source text). */
function features(p: Face): { area: number; score: number } {
  return { area: p.box[2]! * p.box[3]!, score: p.score };
}

const ECHO = `const features = ${features.toString()};
sentio.definePlugin({
  async init(ctx) { await ctx.subscribe('bench.in'); },
  onEvent(e, ctx) { ctx.publish('plugin.echo.out', features(e.payload)); },
});`;
const IDLE = `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('bench.in'); }, onEvent() {} });`;
const LOOP = `sentio.definePlugin({ async init(ctx) { await ctx.subscribe('bench.in'); }, onEvent() { for (;;) {} } });`;

function manifest(id: string): ManifestInput {
  return {
    id,
    version: '1.0.0',
    kind: 'feature',
    name: id,
    entry: 'entry.js',
    capabilities: { subscribe: ['bench.in'], publish: [`plugin.${id}.>`], messagesPerSecond: 100_000 },
  };
}

interface Signer {
  trust: TrustedKey[];
  sign(id: string, src: string): Promise<PluginPackage>;
}

async function makeSigner(): Promise<Signer> {
  const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const publicKey = await exportPublicKey(keys.publicKey);
  return {
    trust: [{ keyId: 'bench', algorithm: 'Ed25519', publicKey, label: 'bench' }],
    async sign(id, src) {
      const entry = new TextEncoder().encode(src);
      return {
        manifest: await signPlugin(parseManifest(manifest(id)), entry, keys.privateKey, 'bench'),
        entry,
      };
    },
  };
}

function makeHost(bus: LocalBus, signer: Signer, limits: Partial<HostLimits>): PluginHost {
  const container = document.getElementById('sandboxes')!;
  return createPluginHost({
    bus,
    trust: signer.trust,
    sandbox: (spec) => createSandbox(container, spec),
    limits,
  });
}

/** Publishes n face events on bench.in in chunks and resolves when n outputs arrived on `outTopic`. */
async function throughput(bus: LocalBus, outTopic: string, n = N): Promise<number> {
  const payloads = Array.from({ length: n }, (_, i) => sampleEvent(i).payload);
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sub = bus.subscribe(
    outTopic,
    () => {
      if (++got === n) done();
    },
    { policy: { kind: 'dropOldest', n } },
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i += CHUNK) {
    for (let j = i; j < Math.min(n, i + CHUNK); j++)
      bus.publish('bench.in', payloads[j]!, { qos: 'realtime' });
    await Promise.resolve();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    finished,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`only ${got} of ${n} outputs on ${outTopic} within 60 s`)),
        60_000,
      );
    }),
  ]);
  clearTimeout(timer);
  const rate = n / ((performance.now() - t0) / 1000);
  sub.unsubscribe();
  return rate;
}

async function roundTrips(bus: LocalBus, outTopic: string, n: number): Promise<number[]> {
  const rtts: number[] = [];
  let resolveOne: (() => void) | undefined;
  const sub = bus.subscribe(outTopic, () => resolveOne?.(), { policy: { kind: 'dropOldest', n: 16 } });
  const payload = sampleEvent(0).payload;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      resolveOne = r;
      bus.publish('bench.in', payload, { qos: 'realtime' });
    });
    rtts.push((performance.now() - t) * 1000);
  }
  sub.unsubscribe();
  return rtts.sort((a, b) => a - b);
}

function inProcess(bus: LocalBus) {
  return bus.subscribe('bench.in', (e) => void bus.publish('local.echo.out', features(e.payload as Face)), {
    qos: 'realtime',
  });
}

/** The echo's host: a window larger than a round, so acknowledgements still in flight never cause a drop. */
const ECHO_LIMITS: Partial<HostLimits> = { maxInFlight: 4 * N };
/** The looper's host: default window; health checks slowed so the loop keeps spinning while we measure. */
const LOOPER_LIMITS: Partial<HostLimits> = { healthIntervalMs: 60_000, healthTimeoutMs: 600_000 };

async function best(f: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) xs.push(await f());
  return median(xs);
}

runBench(async (progress) => {
  const B = 'plugin-sandbox';
  progress('sandboxed echo vs in-process handler');
  const signer = await makeSigner();
  const bus = createLocalBus({ name: 'bench' });
  const host = makeHost(bus, signer, ECHO_LIMITS);
  await host.start(await signer.sign('echo', ECHO));
  await throughput(bus, 'plugin.echo.>'); // warm-up
  const sandboxed = await best(() => throughput(bus, 'plugin.echo.>'));
  const sandboxRtt = await roundTrips(bus, 'plugin.echo.>', 500);
  const raw = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  const rawRtt = await rawRoundTrips(raw, 500);
  await rawThroughput(raw, N, CHUNK);
  const rawBatched = await best(() => rawThroughput(raw, N, CHUNK));
  raw.terminate();
  host.stop('echo');
  const local = inProcess(bus);
  // The in-process path is fast enough that JIT warm-up dominates its first rounds: warm it well, or every
  // later phase looks faster than the baseline.
  for (let i = 0; i < 10; i++) await throughput(bus, 'local.echo.out', N_LOCAL);
  const inproc = await best(() => throughput(bus, 'local.echo.out', N_LOCAL));

  progress('the same with a healthy plugin on the same topic (control)');
  const idleHost = makeHost(bus, signer, {});
  await idleHost.start(await signer.sign('idle', IDLE));
  const inprocWithIdle = await best(() => throughput(bus, 'local.echo.out', N_LOCAL));
  idleHost.close();

  progress('the same with a plugin stuck in an infinite loop on the same topic');
  const looperHost = makeHost(bus, signer, LOOPER_LIMITS);
  await looperHost.start(await signer.sign('looper', LOOP));
  const inprocWithLoop = await best(() => throughput(bus, 'local.echo.out', N_LOCAL));
  local.unsubscribe();
  await host.start(await signer.sign('echo', ECHO));
  const sandboxedWithLoop = await best(() => throughput(bus, 'plugin.echo.>'));
  const looper = looperHost.get('looper')!.stats();
  if (looper.droppedBacklog === 0)
    throw new Error('the looping plugin never filled its window: not measured');
  looperHost.close();

  progress('after the host isolated a looping plugin (default health checks, no restart)');
  host.stop('echo');
  const local2 = inProcess(bus);
  const isolatingHost = makeHost(bus, signer, { maxRestarts: 0 });
  await isolatingHost.start(await signer.sign('looper', LOOP));
  bus.publish('bench.in', sampleEvent(0).payload, { qos: 'realtime' });
  const t0 = performance.now();
  while (isolatingHost.get('looper')!.stats().state.status !== 'disabled') {
    if (performance.now() - t0 > 30_000) throw new Error('the looping plugin was not isolated within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const isolatedAfterMs = performance.now() - t0;
  const inprocAfterIsolation = await best(() => throughput(bus, 'local.echo.out', N_LOCAL));
  local2.unsubscribe();
  isolatingHost.close();
  host.close();
  bus.close();

  return [
    compare(
      B,
      'events through a sandboxed plugin vs the same handler in-process, ev/s',
      sandboxed,
      inproc,
      'ev/s',
    ),
    compare(
      B,
      'events through a sandboxed plugin and back vs raw page→worker one way (batches of 256), ev/s',
      sandboxed,
      rawBatched,
      'ev/s',
    ),
    compare(
      B,
      'round trip p50 via sandbox vs raw page→worker ping, µs',
      percentile(sandboxRtt, 50),
      percentile(rawRtt, 50),
      'µs',
    ),
    compare(
      B,
      'round trip p99 via sandbox vs raw page→worker ping, µs',
      percentile(sandboxRtt, 99),
      percentile(rawRtt, 99),
      'µs',
    ),
    compare(
      B,
      'in-process handler with a healthy plugin on its topic vs alone, ev/s',
      inprocWithIdle,
      inproc,
      'ev/s',
    ),
    compare(
      B,
      'in-process handler with a looping plugin vs with a healthy one, ev/s',
      inprocWithLoop,
      inprocWithIdle,
      'ev/s',
    ),
    compare(
      B,
      'time to isolate a looping plugin (default limits) vs its health timeout, ms',
      isolatedAfterMs,
      DEFAULT_HOST_LIMITS.healthTimeoutMs,
      'ms',
    ),
    compare(
      B,
      'in-process handler after a looping plugin was isolated vs with a healthy one, ev/s',
      inprocAfterIsolation,
      inprocWithIdle,
      'ev/s',
    ),
    compare(B, 'sandboxed echo with a looping plugin vs without, ev/s', sandboxedWithLoop, sandboxed, 'ev/s'),
  ];
});
