import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SentioEvent } from '../events/event';
import { openDatabase } from '../storage/db';
import { Hub } from './hub';
import { connectBus, type ConnectedBus } from './hub-client';
import { policies } from './policy';
import type { ClientMessage, HubMessage } from './protocol';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

function client(hub: Hub, name: string, onRejected?: (e: Error) => void): ConnectedBus {
  const ch = new MessageChannel();
  hub.connect(ch.port1 as never);
  const bus = connectBus({ name, port: ch.port2 as never, locks: null, onRejected });
  open.push(bus, { close: () => ch.port1.close() });
  return bus;
}

const settle = async (ms = 20) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(5);
  }
}

describe('Hub with connected buses', () => {
  it('routes by wildcard between threads and does not echo to the publisher', async () => {
    const hub = new Hub({ locks: null });
    const a = client(hub, 'a');
    const b = client(hub, 'b');
    const atA: string[] = [];
    const atB: string[] = [];
    await a.subscribe('camera.*.face', (e) => void atA.push(e.topic)).ready;
    await b.subscribe('camera.>', (e) => void atB.push(e.topic)).ready;
    a.publish('camera.front.face', 1);
    b.publish('camera.back.face', 2);
    b.publish('camera.back.pose', 3);
    a.publish('audio.level', 4);
    await until(() => atA.length === 2 && atB.length === 3, 'deliveries');
    await settle();
    expect(atA.sort()).toEqual(['camera.back.face', 'camera.front.face']);
    // b hears a's event through the hub and its own two in-thread, each exactly once.
    expect(atB.sort()).toEqual(['camera.back.face', 'camera.back.pose', 'camera.front.face']);
  });

  it('keeps per-topic rates across a subscription that arrives between two samples', async () => {
    let now = Date.now(); // Real time: the hub refuses events stamped an hour past its clock.
    const hub = new Hub({ locks: null, now: () => now });
    const a = client(hub, 'a');
    const b = client(hub, 'b');
    const got: unknown[] = [];
    await b.subscribe('t.>', (e) => void got.push(e.payload)).ready;
    now += 1000;
    await hub.stats();
    for (let i = 0; i < 20; i++) a.publish('t.x', i);
    await until(() => got.length === 20, 'deliveries');
    // A late subscriber (an agent starting, say) rebuilds the hub's routing cache.
    await b.subscribe('u', () => {}).ready;
    now += 2000;
    expect((await hub.stats()).topicRates['t.x']).toBe(10);
  });

  it('gives every asker within one window the same topic rates (a second dashboard does not halve them)', async () => {
    let now = Date.now(); // Real time: the hub refuses events stamped an hour past its clock.
    const hub = new Hub({ locks: null, now: () => now });
    const a = client(hub, 'a');
    const got: unknown[] = [];
    await client(hub, 'b').subscribe('t.>', (e) => void got.push(e.payload)).ready;
    for (let i = 0; i < 30; i++) a.publish('t.x', i);
    await until(() => got.length === 30, 'deliveries');
    now += 1500;
    const first = (await hub.stats()).topicRates;
    expect(first['t.x']).toBe(20);
    now += 100; // another panel asks a moment later, before the window is whole again
    expect((await hub.stats()).topicRates).toEqual(first);
    now += 1000;
    expect((await hub.stats()).topicRates['t.x']).toBeUndefined(); // nothing published in the new window
  });

  it('refuses malformed events from one port with named errors; others see no difference', async () => {
    const hub = new Hub({ locks: null });
    const good = client(hub, 'good');
    const sink: unknown[] = [];
    await good.subscribe('>', (e) => void sink.push(e.payload)).ready;
    const ch = new MessageChannel();
    hub.connect(ch.port1 as never);
    const replies: HubMessage[] = [];
    ch.port2.onmessage = (e: MessageEvent<HubMessage>) => replies.push(e.data);
    const send = (m: ClientMessage) => ch.port2.postMessage(m);
    send({ type: 'hello', clientId: 'evil', name: 'evil', protocol: 1, lockName: null });
    const valid = {
      id: '0192f0c8-7e3a-7000-8000-000000000001',
      type: 't',
      topic: 'x.y',
      ts: 1,
      source: 's',
      privacy: 'public',
      qos: 'batched',
      payload: 'ok',
    };
    send({
      type: 'publish',
      lanes: [],
      events: [
        { ...valid, qos: 'urgent' },
        { ...valid, topic: 'x..y' },
        { ...valid, ts: 'now' },
        { ...valid, payload: 'x'.repeat(300_000) },
        { nothing: true },
        valid,
      ] as never,
    });
    send({ type: 'nonsense' } as never);
    await until(
      () => sink.length === 1 && replies.filter((r) => r.type === 'rejected').length === 2,
      'rejections',
    );
    const errors = replies.flatMap((r) => (r.type === 'rejected' ? r.errors : []));
    expect(errors.map((e) => e.fields?.field ?? e.name)).toEqual([
      'qos',
      'topic',
      'ts',
      'payload',
      'id',
      'ProtocolError',
    ]);
    expect(errors[1]!.message).toMatch(/token 2 is empty/);
    expect(sink).toEqual(['ok']);
    ch.port2.close();
  });

  it('applies the policy in the hub when a remote subscriber is slow, counting drops', async () => {
    const hub = new Hub({ locks: null });
    const pub = client(hub, 'pub');
    const slow = client(hub, 'slow');
    let release!: () => void;
    const seen: number[] = [];
    const sub = slow.subscribe(
      'frames',
      async (e) => {
        seen.push(e.payload as number);
        await new Promise<void>((r) => (release = r));
      },
      { policy: policies.latest(1), credits: 1 },
    );
    await sub.ready;
    for (let i = 0; i < 100; i++) pub.publish('frames', i, { qos: 'realtime' });
    await until(() => seen.length === 1, 'first frame');
    await settle();
    const stats = await pub.hub.request('stats', {});
    const hs = stats.subscriptions.find((s) => s.id === sub.id)!;
    expect(hs.backlog).toBe(1);
    expect(hs.dropped.latest).toBe(98);
    release();
    await until(() => seen.length === 2, 'second frame');
    expect(seen).toEqual([0, 99]);
    release();
  });

  it('keeps a durable persist backlog while its thread is gone and redelivers what was in flight', async () => {
    const hub = new Hub({ locks: null, db: openDatabase(`hub-${Math.random()}`) });
    const pub = client(hub, 'pub');
    const first = client(hub, 'agent-1');
    const got: number[] = [];
    const sub = first.subscribe(
      'work.>',
      async (e) => {
        if ((e.payload as number) === 5) await new Promise(() => {}); // Hangs: this thread "dies" here.
        got.push(e.payload as number);
      },
      { durable: 'agent.coach', policy: policies.persist(8), credits: 4 },
    );
    await sub.ready;
    for (let i = 0; i < 10; i++) pub.publish('work.item', i, { qos: 'background' });
    await until(() => got.length === 5, 'events before the hang');
    first.close(); // The thread is gone with event 5 unacknowledged.
    for (let i = 10; i < 40; i++) pub.publish('work.item', i, { qos: 'background' });
    await pub.flush();
    const second = client(hub, 'agent-2');
    const again: number[] = [];
    await second.subscribe('work.>', (e) => void again.push(e.payload as number), {
      durable: 'agent.coach',
      policy: policies.persist(8),
      credits: 4,
    }).ready;
    await until(() => again.length >= 35, 'redelivery');
    expect([...got, ...again].filter((v, i, all) => all.indexOf(v) === i)).toEqual([...Array(40).keys()]);
    expect(again[0]).toBe(5);
  });

  it('a batch handler on a durable persist subscription: credits come back per batch, a dead thread’s batch is delivered again', async () => {
    const hub = new Hub({ locks: null, db: openDatabase(`hub-${Math.random()}`) });
    const pub = client(hub, 'pub');
    const first = client(hub, 'agent-1');
    const batches: number[][] = [];
    const sub = first.subscribeBatch(
      'work.>',
      async (events) => {
        const ns = events.map((e) => e.payload as number);
        if (ns.includes(25)) await new Promise(() => {}); // Hangs: this thread "dies" here.
        batches.push(ns);
        await settle(2); // Busy a little: what arrives meanwhile waits for the next batch.
      },
      { durable: 'agent.batch', policy: policies.persist(8), credits: 4 },
    );
    await sub.ready;
    for (let i = 0; i < 30; i++) pub.publish('work.item', i, { qos: 'background' });
    // 4 credits, 30 events: only returned credits let the hub send past the first four.
    await until(() => batches.flat().length >= 20, 'events before the hang');
    expect(batches.some((b) => b.length > 1)).toBe(true);
    first.close();
    await pub.flush();
    const second = client(hub, 'agent-2');
    const again: number[] = [];
    await second.subscribeBatch(
      'work.>',
      (events) => void again.push(...events.map((e) => e.payload as number)),
      {
        durable: 'agent.batch',
        policy: policies.persist(8),
        credits: 4,
      },
    ).ready;
    await until(() => again.includes(29), 'redelivery');
    const handled = [...batches.flat(), ...again];
    expect(handled.filter((v, i, all) => all.indexOf(v) === i)).toEqual([...Array(30).keys()]);
    expect(again[0]).toBeLessThanOrEqual(25);
  });

  it('a new hub recreates registered durable persist subscriptions: what is published before their owner is back waits for it', async () => {
    // Chaos (issue 17): every tab closed twice in a row; the second hub routed transcripts nowhere until the
    // agent subscribed again.
    const db = openDatabase(`hub-durables-${Math.random()}`);
    const first = new Hub({ db, locks: null });
    const agent = client(first, 'agent');
    await agent.subscribe('work.>', () => {}, { durable: 'agent.w', policy: policies.persist() }).ready;
    agent.close();
    await settle();
    const second = new Hub({ db, locks: null }); // every tab closed: a new hub on the same database
    const pub = client(second, 'pub');
    await pub.connected;
    for (let i = 0; i < 5; i++) pub.publish('work.item', i);
    await pub.flush();
    const back = client(second, 'agent');
    const got: unknown[] = [];
    await back.subscribe('work.>', (e) => void got.push(e.payload), {
      durable: 'agent.w',
      policy: policies.persist(),
    }).ready;
    await until(() => got.length === 5, 'the backlog');
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a durable name held by a live thread', async () => {
    const hub = new Hub({ locks: null });
    const a = client(hub, 'a');
    const b = client(hub, 'b');
    await a.subscribe('x', () => {}, { durable: 'd', policy: policies.persist() }).ready;
    await expect(
      b.subscribe('x', () => {}, { durable: 'd', policy: policies.persist() }).ready,
    ).rejects.toThrow(/held by client/);
  });

  it('carries lane subscriptions on a direct channel, not through the hub', async () => {
    const hub = new Hub({ locks: null });
    const pub = client(hub, 'pub');
    const worker = client(hub, 'worker');
    const got: SentioEvent[] = [];
    await worker.subscribe('camera.front.frame', (e) => void got.push(e), {
      lane: true,
      policy: policies.latest(1),
      credits: 2,
    }).ready;
    await until(() => pub.laneStats().length === 1, 'lane open');
    const buf = new ArrayBuffer(1024);
    pub.publish(
      'camera.front.frame',
      { pixels: buf },
      { qos: 'realtime', privacy: 'local', transfer: [buf] },
    );
    await until(() => got.length === 1, 'frame');
    expect(buf.byteLength).toBe(0); // Transferred, not copied.
    expect((got[0]!.payload as { pixels: ArrayBuffer }).pixels.byteLength).toBe(1024);
    const stats = await pub.hub.request('stats', {});
    expect(stats.routed).toBe(0);
  });

  it('logs kept events and replays a range in order; JSONL export/import round-trips', async () => {
    const db = openDatabase(`log-${Math.random()}`);
    const hub = new Hub({ locks: null, db });
    const pub = client(hub, 'pub');
    for (let i = 0; i < 20; i++)
      pub.publish(i % 2 ? 'vision.face' : 'audio.transcript', { i }, { ts: 1000 + i });
    pub.publish('camera.front.frame', { i: 99 }, { qos: 'realtime' }); // realtime: not kept by default
    await pub.flush();
    const kept = await pub.hub.request('log.query', { patterns: ['vision.>'] });
    expect(kept.map((e) => (e.payload as { i: number }).i)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    const listener = client(hub, 'listener');
    const replayed: number[] = [];
    await listener.subscribe('vision.face', (e) => void replayed.push((e.payload as { i: number }).i), {
      policy: policies.persist(),
    }).ready;
    const r = await pub.hub.request('log.replay', {
      from: 1005,
      to: 1015,
      patterns: ['vision.face'],
      speed: 'max',
    });
    expect(r.replayed).toBe(6);
    await until(() => replayed.length === 6, 'replay');
    expect(replayed).toEqual([5, 7, 9, 11, 13, 15]);
    const jsonl = await pub.hub.request('log.export', {});
    expect(jsonl.trim().split('\n')).toHaveLength(20);
    const other = new Hub({ locks: null, db: openDatabase(`log2-${Math.random()}`) });
    const c2 = client(other, 'c2');
    const res = await c2.hub.request('log.import', { jsonl: jsonl + '{"broken": true}\n' });
    expect(res.imported).toBe(20);
    expect(res.errors[0]).toMatch(/line 21/);
  });

  it("counts Map, Set and Error payloads in the log's bytes, so size-based retention sees them", async () => {
    const hub = new Hub({ locks: null, db: openDatabase(`log-size-${Math.random()}`) });
    const pub = client(hub, 'pub');
    const text = 'z'.repeat(50_000);
    pub.publish('big.map', new Map([['k', text]]));
    pub.publish('big.set', new Set([text]));
    pub.publish('big.error', new Error(text));
    await pub.flush();
    const kept = await pub.hub.request('log.query', { patterns: ['big.>'] });
    expect(kept).toHaveLength(3);
    expect((await hub.stats()).log.bytes).toBeGreaterThan(150_000);
  });
});
