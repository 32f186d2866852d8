// Page → dedicated worker through the bus (a lane brokered by the hub) vs raw batched postMessage, and
// round-trip latency through the bus (page → worker → page, both on lanes) vs raw postMessage round trips.
import { openBus, startHub } from '../src/bus/open-bus';
import { compare, median, percentile, runBench } from './harness';
import { BENCH_PAYLOAD, spawnSink } from './bus-peers';
import type { RawMessage } from './raw-echo.worker';
import { sampleEvent } from './sample-events';

const N = 200_000;
const BATCH = 256;
const PINGS = 2000;

function waitFor<T>(w: Worker, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (e: MessageEvent) => {
      if (e.data?.type === type) {
        w.removeEventListener('message', on);
        resolve(e.data as T);
      }
    };
    w.addEventListener('message', on);
  });
}

async function rawThroughput(w: Worker): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const events = [];
    for (let j = i; j < i + BATCH && j < N; j++) events.push(sampleEvent(j));
    w.postMessage({ type: 'batch', events } satisfies RawMessage);
  }
  w.postMessage({ type: 'count' } satisfies RawMessage);
  const { received } = await waitFor<{ received: number }>(w, 'count');
  if (received !== N) throw new Error(`raw worker received ${received} of ${N}`);
  return N / ((performance.now() - t0) / 1000);
}

async function rawRoundTrips(w: Worker): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const t = performance.now();
    w.postMessage({ type: 'ping', t } satisfies RawMessage);
    await waitFor(w, 'pong');
    out.push((performance.now() - t) * 1000);
  }
  return out.sort((a, b) => a - b);
}

runBench(async (progress) => {
  const raw = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  const hub = startHub();
  const bus = openBus({ name: 'bench.page', hub });
  await bus.connected;
  const sink = await spawnSink(hub, 'sink');
  await sink.command({
    type: 'count',
    pattern: 'bench.frame',
    lane: true,
    credits: 8192,
    policy: { kind: 'dropOldest', n: 1 << 30 },
    expect: N,
  });
  const echo = await spawnSink(hub, 'echo');
  await echo.command({ type: 'echo', pattern: 'bench.ping', reply: 'bench.pong', lane: true });
  let resolvePong: (() => void) | undefined;
  await bus.subscribe('bench.pong', () => resolvePong?.(), {
    lane: true,
    credits: 64,
    policy: { kind: 'dropOldest', n: 1024 },
  }).ready;
  await new Promise((r) => setTimeout(r, 200)); // Let the lanes open at both ends.

  async function busThroughput(): Promise<number> {
    const done = sink.done();
    const t0 = performance.now();
    for (let i = 0; i < N; i++)
      bus.publish('bench.frame', BENCH_PAYLOAD, { qos: 'realtime', privacy: 'local' });
    await done;
    return N / ((performance.now() - t0) / 1000);
  }

  async function busRoundTrips(): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const t = performance.now();
      const pong = new Promise<void>((r) => (resolvePong = r));
      bus.publish('bench.ping', i, { qos: 'realtime' });
      await pong;
      out.push((performance.now() - t) * 1000);
    }
    return out.sort((a, b) => a - b);
  }

  const rawTp: number[] = [];
  const busTp: number[] = [];
  for (let r = 0; r < 4; r++) {
    progress(`throughput round ${r + 1}/4`);
    rawTp.push(await rawThroughput(raw));
    busTp.push(await busThroughput());
  }
  progress('round trips');
  await rawRoundTrips(raw);
  await busRoundTrips();
  const rawRtt = await rawRoundTrips(raw);
  const busRtt = await busRoundTrips();
  if (bus.laneStats().length < 2)
    throw new Error(`expected lanes to the sink and the echo worker, got ${bus.laneStats().length}`);
  const hubStats = await bus.hub.request('stats', {});
  return [
    compare(
      'bus-worker',
      'page→worker throughput: bus (lane) vs raw batched postMessage',
      median(busTp),
      median(rawTp),
      'ev/s',
      {
        op: '>=',
        ratio: 0.8,
      },
    ),
    compare(
      'bus-worker',
      'round trip p99: bus (lanes) vs raw postMessage',
      percentile(busRtt, 99),
      percentile(rawRtt, 99),
      'µs',
      {
        op: '<=',
        ratio: 1.5,
      },
    ),
    compare(
      'bus-worker',
      'round trip p50: bus (lanes) vs raw postMessage',
      percentile(busRtt, 50),
      percentile(rawRtt, 50),
      'µs',
    ),
    compare(
      'bus-worker',
      'events the hub had to route (lanes bypass it) vs published',
      hubStats.routed,
      4 * N + 2 * PINGS,
      'ev',
    ),
  ];
});
