// The hub's per-subscription counts agree with what reached the handlers, on every path: through the hub,
// on a lane (which bypasses the hub), and from the subscriber's own thread (which never reaches it).
import { afterEach, describe, expect, it } from 'vitest';
import { Hub } from './hub';
import { connectBus, type ConnectedBus } from './hub-client';
import type { ClientMessage, HubMessage } from './protocol';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

function client(hub: Hub, name: string): ConnectedBus {
  const ch = new MessageChannel();
  hub.connect(ch.port1 as never);
  const bus = connectBus({ name, port: ch.port2 as never, locks: null });
  open.push(bus, { close: () => ch.port1.close() });
  return bus;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('delivery reports', () => {
  it('count lane, hub and in-thread deliveries where they reach the handler', async () => {
    const hub = new Hub({ locks: null });
    const pub = client(hub, 'pub');
    const worker = client(hub, 'worker');
    let onLane = 0;
    let viaHub = 0;
    let mixed = 0;
    const lane = worker.subscribe('frames', () => void onLane++, { lane: true });
    const routed = worker.subscribe('notes', () => void viaHub++);
    const both = worker.subscribe('mixed', () => void mixed++);
    await Promise.all([lane.ready, routed.ready, both.ready]);
    await until(() => pub.laneStats().length === 1, 'lane open');
    for (let i = 0; i < 7; i++) pub.publish('frames', i);
    for (let i = 0; i < 3; i++) pub.publish('notes', i);
    pub.publish('mixed', 0);
    for (let i = 0; i < 4; i++) worker.publish('mixed', i); // its own thread: never reaches the hub
    await until(() => onLane === 7 && viaHub === 3 && mixed === 5, 'deliveries');
    await worker.flush();

    const stats = await hub.stats();
    const row = (id: string) => stats.subscriptions.find((s) => s.id === id)!;
    expect(row(lane.id)).toMatchObject({ delivered: 7, sentByHub: 0 });
    expect(row(lane.id).latency?.count).toBe(7);
    expect(row(routed.id)).toMatchObject({ delivered: 3, sentByHub: 3 });
    // In-thread events handled at once have no latency worth the clock; only the one from pub is timed.
    expect(row(both.id)).toMatchObject({ delivered: 5, sentByHub: 1, latency: { count: 1 } });
  });

  it('refuses a malformed report with a named error and keeps the well-formed entries', async () => {
    const hub = new Hub({ locks: null });
    const sub = client(hub, 'sub');
    const s = sub.subscribe('t', () => {});
    await s.ready;
    const ch = new MessageChannel();
    hub.connect(ch.port1 as never);
    const got: HubMessage[] = [];
    ch.port2.onmessage = (e: MessageEvent<HubMessage>) => void got.push(e.data);
    const post = (m: unknown) => ch.port2.postMessage(m as ClientMessage);
    post({ type: 'hello', clientId: 'raw1', name: 'raw', protocol: 1, lockName: null });
    post({
      type: 'delivery',
      reports: [
        { id: s.id, delivered: 99 },
        { id: 'x', delivered: -1 },
      ],
    });
    post({ type: 'delivery', reports: 'many' });
    await until(() => got.filter((m) => m.type === 'rejected').length === 2, 'two refusals');
    const messages = got.flatMap((m) => (m.type === 'rejected' ? m.errors.map((e) => e.message) : []));
    expect(messages[0]).toMatch(/1 delivery report\(s\) refused: each needs id/);
    expect(messages[1]).toMatch(/delivery\.reports must be an array/);
    // Another client cannot rewrite a subscription it does not own.
    expect((await hub.stats()).subscriptions.find((r) => r.id === s.id)?.delivered).toBe(0);
    ch.port2.close();
    ch.port1.close();
  });
});
