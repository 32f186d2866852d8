// Page-side helpers shared by the bus benchmarks.
import { handBusTo, type HubConnection } from '../src/bus/open-bus';
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
