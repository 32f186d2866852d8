// Baseline: how fast can the platform move small events page → dedicated worker, one message per event
// and in batches of 256, and what is the round-trip latency. Other benchmarks compare against these.
import { compare, percentile, runBench } from './harness';
import { sampleEvent } from './sample-events';
import type { RawMessage } from './raw-echo.worker';

const N = 100_000;
const BATCH = 256;

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

async function throughput(w: Worker, batched: boolean): Promise<number> {
  const events = Array.from({ length: N }, (_, i) => sampleEvent(i));
  const t0 = performance.now();
  if (batched) {
    for (let i = 0; i < N; i += BATCH)
      w.postMessage({ type: 'batch', events: events.slice(i, i + BATCH) } satisfies RawMessage);
  } else {
    for (const event of events) w.postMessage({ type: 'event', event } satisfies RawMessage);
  }
  w.postMessage({ type: 'count' } satisfies RawMessage);
  const { received } = await waitFor<{ received: number }>(w, 'count');
  if (received !== N) throw new Error(`worker received ${received} of ${N}`);
  return N / ((performance.now() - t0) / 1000);
}

async function roundTrips(w: Worker, n: number): Promise<number[]> {
  const rtts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    w.postMessage({ type: 'ping', t } satisfies RawMessage);
    await waitFor(w, 'pong');
    rtts.push((performance.now() - t) * 1000);
  }
  return rtts.sort((a, b) => a - b);
}

runBench(async (progress) => {
  const w = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  progress('warm-up');
  await throughput(w, false);
  await throughput(w, true);
  progress('single messages');
  const single = await throughput(w, false);
  progress('batched');
  const batched = await throughput(w, true);
  progress('round trips');
  const rtt = await roundTrips(w, 2000);
  w.terminate();
  return [
    compare('raw-postmessage', 'page→worker batched(256) vs single, ev/s', batched, single, 'ev/s'),
    compare('raw-postmessage', 'round trip p99 vs p50, µs', percentile(rtt, 99), percentile(rtt, 50), 'µs'),
  ];
});
