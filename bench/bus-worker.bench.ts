// Page → dedicated worker through the bus (a lane brokered by the hub) vs raw batched postMessage, and
// round-trip latency through the bus (page → worker → page, both on lanes) vs raw postMessage round trips.
import { compare, median, percentile, runBench } from './harness';
import { busThroughput, busWithCountingSink, spawnSink } from './bus-peers';
import { rawRoundTrips, rawThroughput } from './raw-baselines';

const N = 200_000;
const BATCH = 256;
const PINGS = 2000;

runBench(async (progress) => {
  const raw = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  const { hub, bus, sink } = await busWithCountingSink('bench.frame', true, N);
  const echo = await spawnSink(hub, 'echo');
  await echo.command({ type: 'echo', pattern: 'bench.ping', reply: 'bench.pong', lane: true });
  let resolvePong: (() => void) | undefined;
  await bus.subscribe('bench.pong', () => resolvePong?.(), {
    lane: true,
    credits: 64,
    policy: { kind: 'dropOldest', n: 1024 },
  }).ready;
  await new Promise((r) => setTimeout(r, 200)); // Let the lanes open at both ends.

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
    rawTp.push(await rawThroughput(raw, N, BATCH));
    busTp.push(await busThroughput(bus, sink, 'bench.frame', N));
  }
  progress('round trips');
  await rawRoundTrips(raw, PINGS);
  await busRoundTrips();
  const rawRtt = await rawRoundTrips(raw, PINGS);
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
