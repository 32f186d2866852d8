// Baseline: how fast can the platform move small events page → dedicated worker, one message per event
// and in batches of 256, and what is the round-trip latency. Other benchmarks compare against these.
import { compare, percentile, runBench } from './harness';
import { rawRoundTrips, rawThroughput } from './raw-baselines';

const N = 100_000;
const BATCH = 256;

runBench(async (progress) => {
  const w = new Worker(new URL('./raw-echo.worker.ts', import.meta.url), { type: 'module' });
  progress('warm-up');
  await rawThroughput(w, N, 1);
  await rawThroughput(w, N, BATCH);
  progress('single messages');
  const single = await rawThroughput(w, N, 1);
  progress('batched');
  const batched = await rawThroughput(w, N, BATCH);
  progress('round trips');
  const rtt = await rawRoundTrips(w, 2000);
  w.terminate();
  return [
    compare('raw-postmessage', 'page→worker batched(256) vs single, ev/s', batched, single, 'ev/s'),
    compare('raw-postmessage', 'round trip p99 vs p50, µs', percentile(rtt, 99), percentile(rtt, 50), 'µs'),
  ];
});
