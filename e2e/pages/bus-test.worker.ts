// A dedicated worker on the bus, driven by a test over comlink.
import * as Comlink from 'comlink';
import { receiveBus } from '../../src/bus/open-bus';
import type { BusWorkerApi, Received } from './bus-worker-api';
import type { SubscriptionStats } from '../../src/bus/types';

const rejected: string[] = [];
const busReady = receiveBus(self, { onRejected: (e) => rejected.push(e.message) });
const received: Received[] = [];
let frozen = false;
const subs = new Map<string, { unsubscribe(): void; stats(): SubscriptionStats }>();

const api: BusWorkerApi = {
  async ready() {
    const bus = await busReady;
    return bus.connected;
  },
  async subscribe(pattern, options = {}) {
    const bus = await busReady;
    const { handlerMs, ...o } = options;
    const sub = bus.subscribe(
      pattern,
      async (e) => {
        if (frozen) return new Promise<void>(() => {});
        received.push({
          subscription: sub.id,
          topic: e.topic,
          id: e.id,
          payload: e.payload,
          source: e.source,
        });
        if (handlerMs) await new Promise((r) => setTimeout(r, handlerMs));
      },
      o,
    );
    subs.set(sub.id, sub);
    await sub.ready;
    return sub.id;
  },
  unsubscribe(id) {
    subs.get(id)?.unsubscribe();
  },
  publish() {
    throw new Error('use publishAt');
  },
  async publishAt(topic, count, hz, options) {
    const bus = await busReady;
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / hz;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      bus.publish(topic, i, options);
    }
    await bus.flush();
    return count;
  },
  received: () => received,
  subscriptionStats: () => [...subs.values()].map((s) => s.stats()),
  stats: () => {
    throw new Error('not ready');
  },
  async hubStats() {
    return (await busReady).hub.request('stats', {});
  },
  rejected: () => rejected,
  freeze() {
    frozen = true;
  },
  async flush() {
    await (await busReady).flush();
  },
};

void busReady.then((bus) => (api.stats = () => bus.stats()));

self.addEventListener('message', (e: MessageEvent<{ type?: string; port?: MessagePort }>) => {
  if (e.data?.type === 'test.control' && e.data.port) Comlink.expose(api, e.data.port);
});
