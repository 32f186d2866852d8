// Page → SharedWorker hub → dedicated worker through the bus (validated, routed, credited), vs the raw
// platform doing the same hop pattern: batched messages relayed by a bare SharedWorker to a worker.
import { compare, median, runBench } from './harness';
import { busThroughput, busWithCountingSink } from './bus-peers';
import type { RelayMessage } from './raw-relay.shared';
import { sampleEvent } from './sample-events';

const N = 100_000;
const BATCH = 256;

runBench(async (progress) => {
  // Raw: page → bare SharedWorker → a MessagePort back in this page: the same two structured-clone hops as
  // page → hub → worker, with nothing done in between.
  const relay = new SharedWorker(new URL('./raw-relay.shared.ts', import.meta.url), {
    type: 'module',
    name: 'raw-relay',
  });
  relay.port.start();
  const ch = new MessageChannel();
  relay.port.postMessage({ type: 'sink', port: ch.port1 } satisfies RelayMessage, [ch.port1]);
  let rawCount = 0;
  let rawDone: (() => void) | undefined;
  ch.port2.onmessage = (e: MessageEvent<RelayMessage>) => {
    if (e.data.type === 'batch') rawCount += e.data.events.length;
    else if (e.data.type === 'count') rawDone?.();
  };

  async function rawThroughput(): Promise<number> {
    rawCount = 0;
    const done = new Promise<void>((r) => (rawDone = r));
    const t0 = performance.now();
    for (let i = 0; i < N; i += BATCH) {
      const events = [];
      for (let j = i; j < i + BATCH && j < N; j++) events.push(sampleEvent(j));
      relay.port.postMessage({ type: 'batch', events } satisfies RelayMessage);
    }
    relay.port.postMessage({ type: 'count' } satisfies RelayMessage);
    await done;
    if (rawCount !== N) throw new Error(`raw relay delivered ${rawCount} of ${N}`);
    return N / ((performance.now() - t0) / 1000);
  }

  const { bus, sink } = await busWithCountingSink('bench.hub', false, N);

  const raw: number[] = [];
  const ours: number[] = [];
  for (let r = 0; r < 4; r++) {
    progress(`round ${r + 1}/4`);
    raw.push(await rawThroughput());
    // Yield per 256 like the raw loop posts per batch, so the hub sees batches of that size.
    ours.push(await busThroughput(bus, sink, 'bench.hub', N, BATCH));
  }
  return [
    compare(
      'bus-hub',
      'page→hub→worker throughput: bus vs raw SharedWorker relay (batches of 256)',
      median(ours),
      median(raw),
      'ev/s',
      {
        op: '>=',
        ratio: 0.8,
      },
    ),
  ];
});
