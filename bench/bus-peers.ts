// Page-side helpers shared by the bus benchmarks.
import type { Bus } from '../src/bus/types';
import { handBusTo, openBus, startHub, type HubConnection } from '../src/bus/open-bus';
import type { SinkCommand, SinkReply } from './bus-sink.worker';

export interface Sink {
  command(cmd: SinkCommand): Promise<void>;
  done(): Promise<number>;
  terminate(): void;
}

export async function spawnSink(hub: HubConnection, name: string): Promise<Sink> {
  const worker = new Worker(new URL('./bus-sink.worker.ts', import.meta.url), { type: 'module', name });
  handBusTo(worker, hub, name);
  const ch = new MessageChannel();
  worker.postMessage({ type: 'bench.control', port: ch.port2 }, [ch.port2]);
  const next = (type: SinkReply['type']) =>
    new Promise<SinkReply>((resolve) => {
      const on = (e: MessageEvent<SinkReply>) => {
        if (e.data.type !== type) return;
        ch.port1.removeEventListener('message', on);
        resolve(e.data);
      };
      ch.port1.addEventListener('message', on);
    });
  ch.port1.start();
  await next('ready');
  return {
    async command(cmd) {
      const ready = next('ready');
      ch.port1.postMessage(cmd);
      await ready;
    },
    async done() {
      return ((await next('done')) as { count: number }).count;
    },
    terminate: () => worker.terminate(),
  };
}

export const BENCH_PAYLOAD = {
  box: [120, 80, 96, 96],
  score: 0.92,
  keypoints: [130, 100, 170, 100, 150, 120],
};

/**
 * Publishes `n` small events on `topic` and resolves with events/s once `sink` has counted them all.
 * `yieldEvery` lets the event loop turn every so many events, as a real producer would between batches.
 */
export async function busThroughput(
  bus: Bus,
  sink: Sink,
  topic: string,
  n: number,
  yieldEvery = 0,
): Promise<number> {
  const done = sink.done();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    bus.publish(topic, BENCH_PAYLOAD, { qos: 'realtime', privacy: 'local' });
    if (yieldEvery && i % yieldEvery === yieldEvery - 1) await Promise.resolve();
  }
  await done;
  return n / ((performance.now() - t0) / 1000);
}

/** A page bus and a worker that counts `n` events on `topic`, subscribed with a window that never drops. */
export async function busWithCountingSink(topic: string, lane: boolean, n: number) {
  const hub = startHub();
  const bus = openBus({ name: 'bench.page', hub });
  await bus.connected;
  const sink = await spawnSink(hub, 'sink');
  await sink.command({
    type: 'count',
    pattern: topic,
    lane,
    credits: 8192,
    policy: { kind: 'dropOldest', n: 1 << 30 },
    expect: n,
  });
  return { hub, bus, sink };
}
