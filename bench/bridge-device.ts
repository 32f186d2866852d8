// One device for the bridge benchmark (driven by bench/bridge-bench.ts): Sentio's bridge and, in the same
// page, a raw NATS WebSocket connection (`wsconnect`, the careful baseline) to the same server.
import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import type { BridgeHandle } from '../src/bridge/client';
import { createBridgeApi } from '../src/bridge/client';
import { openBus, startHub } from '../src/bus/open-bus';

const hub = startHub();
const bus = openBus({ name: 'bench', hub });
const bridgeApi = createBridgeApi(hub);
let bridge: BridgeHandle | null = null;
let raw: NatsConnection | null = null;
const counts: Record<string, { n: number; at: number; first: number }> = {};

function count(key: string): void {
  const c = (counts[key] ??= { n: 0, at: 0, first: Date.now() });
  c.n++;
  c.at = Date.now();
}

const pongWaiters = new Map<number, () => void>();

const device = {
  ready: bus.connected.then(() => true),
  async setup(o: { ws: string; space: string; device: string; role: 'a' | 'b' }) {
    raw = await wsconnect({ servers: o.ws, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    bridge = await bridgeApi.connect({
      servers: o.ws,
      space: o.space,
      device: o.device,
      export: o.role === 'a' ? ['bench.ping', 'bench.tp', 'bench.durable.>'] : ['bench.pong'],
      import: o.role === 'a' ? ['bench.pong'] : ['bench.ping', 'bench.tp', 'bench.durable.>'],
      durable: ['bench.durable.>'],
      maxInboundRate: 1e6,
      outboxLimit: 100_000,
    });
    if (o.role === 'b') {
      bus.subscribe(
        'bench.ping',
        (e) => void bus.publish('bench.pong', e.payload, { privacy: 'public', qos: 'realtime' }),
        { qos: 'realtime', lane: true },
      );
      bus.subscribe('bench.tp', () => count('bridge.tp'), {
        lane: true,
        policy: { kind: 'dropOldest', n: 100_000 },
      });
      bus.subscribe('bench.durable.>', () => count('bridge.durable'), {
        policy: { kind: 'dropOldest', n: 100_000 },
      });
      raw.subscribe('raw.ping', { callback: (_e, m) => raw!.publish('raw.pong', m.data) });
      raw.subscribe('raw.tp', { callback: () => count('raw.tp') });
    } else {
      bus.subscribe('bench.pong', (e) => pongWaiters.get((e.payload as { i: number }).i)?.(), {
        qos: 'realtime',
        lane: true,
      });
    }
    const deadline = Date.now() + 30_000;
    while ((await bridge.state()).state !== 'connected') {
      if (Date.now() > deadline)
        throw new Error(`bridge not connected: ${JSON.stringify(await bridge.state())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  },
  state: () => bridge!.state(),
  stats: () => bridge!.stats(),
  counts: () => counts,
  async bridgeRoundTrips(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no pong ${i} within 10 s`)), 10_000);
        pongWaiters.set(i, () => {
          clearTimeout(t);
          resolve();
        });
        bus.publish('bench.ping', { i }, { privacy: 'public', qos: 'realtime' });
      });
      pongWaiters.delete(i);
      out.push(performance.now() - t0);
    }
    return out;
  },
  async rawRoundTrips(n: number): Promise<number[]> {
    const out: number[] = [];
    const waiters = new Map<number, () => void>();
    const sub = raw!.subscribe('raw.pong', {
      callback: (_e, m) => waiters.get(new DataView(m.data.buffer, m.data.byteOffset).getUint32(0))?.(),
    });
    await raw!.flush();
    for (let i = 0; i < n; i++) {
      const data = new Uint8Array(4);
      new DataView(data.buffer).setUint32(0, i);
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        waiters.set(i, resolve);
        raw!.publish('raw.ping', data);
      });
      out.push(performance.now() - t0);
    }
    sub.unsubscribe();
    return out;
  },
  /** Publishes n small events and returns the wall-clock start (the receiver stamps its last arrival). */
  bridgeBurst(n: number, topic = 'bench.tp'): number {
    const t0 = Date.now();
    for (let i = 0; i < n; i++) bus.publish(topic, { i, v: 0.5 }, { privacy: 'public', qos: 'batched' });
    return t0;
  },
  rawBurst(n: number): number {
    const t0 = Date.now();
    // The same bytes a bridged event costs, so the baseline is not flattered by a smaller message.
    const data = new Uint8Array(120);
    for (let i = 0; i < n; i++) raw!.publish('raw.tp', data);
    return t0;
  },
};

Object.assign(window, { benchDevice: device });
