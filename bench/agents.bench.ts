// The agent runtime's costs, each against a baseline measured in the same run:
// 1. events through the bus → agent host → worker mailbox → a no-op handler, vs the bus delivering to a
//    plain subscriber in a dedicated worker (the same thread hop, without an agent's bookkeeping), and vs a
//    plain subscriber in the page (no hop at all);
// 2. durable processing (inbox write + state commit, group commit of 64 and of 1) vs in-memory processing
//    of the same handler.
import { createAgentHost, type AgentHost } from '../src/agents/host';
import { createLocalBus } from '../src/bus/local-bus';
import { policies } from '../src/bus/policy';
import type { SentioEvent } from '../src/events/event';
import { createIdGenerator } from '../src/events/id';
import { compare, median, runBench, type BenchResult } from './harness';
import { BENCH_PAYLOAD, busThroughput, busWithCountingSink } from './bus-peers';

const ids = createIdGenerator();

function events(topic: string, n: number): SentioEvent[] {
  return Array.from({ length: n }, (_, i): SentioEvent => ({
    id: ids.next(),
    type: topic,
    topic,
    ts: Date.now(),
    source: 'bench',
    privacy: 'private',
    qos: 'batched',
    payload: { i },
  }));
}

async function startHost(dbName: string, groupCommit: number, bus?: ReturnType<typeof createLocalBus>) {
  const host = createAgentHost({
    dbName,
    lockName: null,
    groupCommit,
    ...(bus ? { bus } : {}),
    spawnWorker: (name) =>
      new Worker(new URL('./agents-bench.worker.ts', import.meta.url), { type: 'module', name }),
  });
  await host.start();
  return host;
}

async function processed(host: AgentHost, id: string): Promise<number> {
  return (await host.inspect()).agents.find((a) => a.id === id)?.processed ?? 0;
}

async function until(host: AgentHost, id: string, n: number): Promise<void> {
  while ((await processed(host, id)) < n) await new Promise((r) => setTimeout(r, 2));
}

/** Bus → host → worker mailbox → no-op handler, events/s. */
async function agentPath(n: number): Promise<number> {
  const bus = createLocalBus({ name: 'bench' });
  const host = await startHost(`bench-agents-${Math.random()}`, 64, bus);
  const base = await processed(host, 'noop-mem');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bus.publish('bench.mem.x', BENCH_PAYLOAD);
  await until(host, 'noop-mem', base + n);
  const rate = n / ((performance.now() - t0) / 1000);
  await host.stop();
  bus.close();
  return rate;
}

/** The same bus delivering to a plain subscriber that does nothing, events/s. */
async function rawBus(n: number): Promise<number> {
  const bus = createLocalBus({ name: 'bench' });
  let got = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  bus.subscribe(
    'bench.mem.>',
    () => {
      if (++got === n) done();
    },
    { policy: policies.dropOldest(1 << 20) },
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bus.publish('bench.mem.x', BENCH_PAYLOAD);
  await finished;
  const rate = n / ((performance.now() - t0) / 1000);
  bus.close();
  return rate;
}

/** Events ingested straight into the host (as the bus subscription does), processed by the counting agent. */
async function processing(
  id: 'count-mem' | 'count-durable',
  n: number,
  groupCommit: number,
): Promise<number> {
  const host = await startHost(`bench-agents-${Math.random()}`, groupCommit);
  const topic = id === 'count-mem' ? 'bench.cmem.x' : 'bench.cdur.x';
  const evs = events(topic, n);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 256) await host.ingest(id, evs.slice(i, i + 256));
  await until(host, id, n);
  const rate = n / ((performance.now() - t0) / 1000);
  await host.stop();
  return rate;
}

/**
 * The same durable agent fed by the bus, as an app feeds it: the host's batch subscription takes what waited
 * while the last inbox write ran as its next write (ingest above is handed 256 at a time).
 */
async function durableFromBus(n: number): Promise<number> {
  const bus = createLocalBus({ name: 'bench' });
  const host = await startHost(`bench-agents-${Math.random()}`, 64, bus);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bus.publish('bench.cdur.x', BENCH_PAYLOAD);
  await until(host, 'count-durable', n);
  const rate = n / ((performance.now() - t0) / 1000);
  await host.stop();
  bus.close();
  return rate;
}

runBench(async (progress) => {
  const results: BenchResult[] = [];
  const RUNS = 3;
  progress('warm-up');
  await agentPath(2_000);
  await rawBus(20_000);

  progress('mailbox vs raw bus');
  const N = 20_000;
  const { bus: hubBus, sink } = await busWithCountingSink('bench.frame', true, N);
  const agent: number[] = [];
  const raw: number[] = [];
  const rawWorker: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    agent.push(await agentPath(N));
    raw.push(await rawBus(N));
    rawWorker.push(await busThroughput(hubBus, sink, 'bench.frame', N));
  }
  results.push(
    compare(
      'agents',
      'bus → agent mailbox (worker) → no-op handler vs bus → subscriber in a worker (lane), ev/s',
      median(agent),
      median(rawWorker),
      'ev/s',
    ),
    compare(
      'agents',
      'bus → agent mailbox (worker) → no-op handler vs bus → subscriber in the page, ev/s',
      median(agent),
      median(raw),
      'ev/s',
    ),
  );

  progress('durable vs in-memory');
  const mem: number[] = [];
  const group: number[] = [];
  const single: number[] = [];
  const fromBus: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    mem.push(await processing('count-mem', 20_000, 64));
    group.push(await processing('count-durable', 5_000, 64));
    single.push(await processing('count-durable', 1_000, 1));
    fromBus.push(await durableFromBus(5_000));
  }
  results.push(
    compare(
      'agents',
      'durable (group commit ≤64) vs in-memory processing, ev/s',
      median(group),
      median(mem),
      'ev/s',
    ),
    compare(
      'agents',
      'durable (commit per event) vs in-memory processing, ev/s',
      median(single),
      median(mem),
      'ev/s',
    ),
    compare(
      'agents',
      'durable agent fed by the bus (a batch subscription) vs fed 256 at a time, ev/s',
      median(fromBus),
      median(group),
      'ev/s',
    ),
    compare(
      'agents',
      'durable group commit vs commit per event, ev/s',
      median(group),
      median(single),
      'ev/s',
    ),
  );
  return results;
});
