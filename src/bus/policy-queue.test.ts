import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SentioEvent } from '../events/event';
import { createIdGenerator } from '../events/id';
import { openDatabase } from '../storage/db';
import { policies } from './policy';
import { PolicyQueue, type SpillStore } from './policy-queue';
import { createSpillStore } from './spill-store';

const ids = createIdGenerator();
function ev(topic: string, payload: unknown = {}, ts = 0): SentioEvent {
  return { id: ids.next(), type: topic, topic, ts, source: 't', privacy: 'private', qos: 'batched', payload };
}
const topics = (es: SentioEvent[]) => es.map((e) => e.topic);
const values = (es: SentioEvent[]) => es.map((e) => (e.payload as { v: number }).v);

describe('PolicyQueue', () => {
  it('latest(n) keeps the newest n per topic and counts the rest', () => {
    const q = new PolicyQueue(policies.latest(2));
    for (let v = 0; v < 5; v++) {
      q.push(ev('cam.a', { v }));
      q.push(ev('cam.b', { v: 10 + v }));
    }
    expect(q.size).toBe(4);
    expect(q.drops).toEqual({ latest: 6 });
    expect(values(q.take(10))).toEqual([3, 13, 4, 14]);
  });

  it('dropOldest(n) bounds one FIFO', () => {
    const q = new PolicyQueue(policies.dropOldest(3));
    for (let v = 0; v < 5; v++) q.push(ev('x', { v }));
    expect(values(q.take(10))).toEqual([2, 3, 4]);
    expect(q.drops).toEqual({ overflow: 2 });
  });

  it('sample(k) keeps one in k while a backlog exists', () => {
    const q = new PolicyQueue(policies.sample(3));
    for (let v = 0; v < 10; v++) q.push(ev('x', { v }));
    expect(values(q.take(10))).toEqual([0, 3, 6, 9]);
    expect(q.drops.sampled).toBe(6);
  });

  it('collapse(key) keeps the newest per key in first-seen order', () => {
    const q = new PolicyQueue(policies.collapse('payload.track'));
    q.push(ev('x', { track: 'a', v: 1 }));
    q.push(ev('x', { track: 'b', v: 2 }));
    q.push(ev('x', { track: 'a', v: 3 }));
    expect(values(q.take(10))).toEqual([3, 2]);
    expect(q.drops).toEqual({ collapsed: 1 });
  });

  it('aggregate folds a window per topic with the named reducer', () => {
    let now = 0;
    const q = new PolicyQueue(policies.aggregate(100, 'mean', 'payload.v'), { now: () => now });
    for (const v of [1, 2, 3, 6]) q.push(ev('level', { v }, v));
    expect(q.take(10)).toEqual([]);
    expect(q.nextReadyIn()).toBe(100);
    now = 100;
    const [agg] = q.take(10);
    expect(agg!.payload).toEqual({
      aggregate: 'mean',
      field: 'payload.v',
      value: 3,
      count: 4,
      from: 1,
      to: 6,
    });
    expect(agg!.tags).toContain('aggregated');
    expect(q.drops.aggregated).toBe(3);
  });

  it('batch hands the backlog over maxCount at a time and bounds it by n', () => {
    const q = new PolicyQueue(policies.batch(2, 10, 5));
    for (let v = 0; v < 7; v++) q.push(ev('x', { v }));
    expect(values(q.take(100))).toEqual([2, 3]);
    expect(q.drops).toEqual({ overflow: 2 });
  });

  it('requeueFront puts unacknowledged events back ahead of newer ones', () => {
    const q = new PolicyQueue(policies.dropOldest(10));
    q.push(ev('x', { v: 3 }));
    q.requeueFront([ev('x', { v: 1 }), ev('x', { v: 2 })]);
    expect(values(q.take(10))).toEqual([1, 2, 3]);
  });

  /** Takes everything `q` will give, acknowledging each take as a consumer would once it handled it. */
  async function consume(q: PolicyQueue, n: number, per = 3): Promise<number[]> {
    const got: number[] = [];
    for (let i = 0; i < 500 && got.length < n; i++) {
      const batch = q.take(per);
      got.push(...values(batch));
      q.acknowledge(batch.length);
      await new Promise((r) => setTimeout(r, 1));
    }
    return got;
  }

  it('persist writes every event through, bounds memory, never drops or reorders, and forgets what was acknowledged', async () => {
    const store = createSpillStore(openDatabase(`spill-${Math.random()}`));
    let refills = 0;
    const q = new PolicyQueue(policies.persist(4), {
      spill: { store, name: 'agent.a' },
      onRefill: () => refills++,
    });
    for (let v = 0; v < 50; v++) q.push(ev('x', { v }));
    expect(q.size).toBe(50);
    await q.written();
    expect(await store.count('agent.a')).toBe(50);
    expect(await consume(q, 50)).toEqual([...Array(50).keys()]);
    expect(q.drops).toEqual({});
    expect(refills).toBeGreaterThan(0);
    await expect.poll(() => store.count('agent.a')).toBe(0);
  });

  it('persist: once written() resolves, a new owner (a new hub) gets every unacknowledged event, in order', async () => {
    const real = createSpillStore(openDatabase(`spill-${Math.random()}`));
    let land: () => void = () => {};
    const gate = new Promise<void>((r) => (land = r));
    const store: SpillStore = { ...real, write: (...a) => gate.then(() => real.write(...a)) };
    const q = new PolicyQueue(policies.persist(4), { spill: { store, name: 'hub:agent' } });
    for (let v = 0; v < 10; v++) q.push(ev('x', { v }));
    let written = false;
    void q.written().then(() => (written = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(written).toBe(false); // the write has not landed: not yet acknowledgeable to a publisher
    land();
    await q.written();
    // The owner handled 0..2 (acknowledged) and got 3..4 (in flight), then died with the hub.
    q.acknowledge(q.take(3).length);
    q.take(2);
    await expect.poll(() => real.count('hub:agent')).toBe(7);
    const next = new PolicyQueue(policies.persist(4), {
      spill: { store: real, name: 'hub:agent', adopt: true },
    });
    // Published to the new hub before it has counted the old rows: delivered after them.
    next.push(ev('x', { v: 10 }));
    expect(await consume(next, 8)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    await expect.poll(() => real.count('hub:agent')).toBe(0);
  });

  it('persist keeps order when writes are slower than the consumer and memory overflows meanwhile', async () => {
    // The tail past memory leaves memory only once written; a consumer taking meanwhile gets it from memory.
    const real = createSpillStore(openDatabase(`spill-${Math.random()}`));
    let slow = true;
    const store: SpillStore = {
      ...real,
      write: (...a) => new Promise((r) => setTimeout(r, slow ? 20 : 0)).then(() => real.write(...a)),
    };
    const q = new PolicyQueue(policies.persist(3), { spill: { store, name: 'q' } });
    const got: number[] = [];
    for (let v = 0; v < 30; v++) {
      q.push(ev('x', { v }));
      if (v % 4 === 0) {
        const b = q.take(2);
        got.push(...values(b));
        q.acknowledge(b.length);
      }
      if (v === 15) slow = false;
      await new Promise((r) => setTimeout(r, v % 7));
    }
    got.push(...(await consume(q, 30 - got.length)));
    expect(got).toEqual([...Array(30).keys()]);
    await expect.poll(() => real.count('q')).toBe(0);
  });

  it('persist keeps events in memory when the store fails (quota), reports it, and writes them once it recovers', async () => {
    const errors: unknown[] = [];
    const real = createSpillStore(openDatabase(`spill-${Math.random()}`));
    let full = true;
    const store: SpillStore = {
      ...real,
      write: (...a) =>
        full ? Promise.reject(new DOMException('quota exceeded', 'QuotaExceededError')) : real.write(...a),
    };
    const q = new PolicyQueue(policies.persist(2), {
      spill: { store, name: 'q' },
      onSpillError: (e) => errors.push(e),
    });
    for (let v = 0; v < 6; v++) q.push(ev('x', { v }));
    await q.written();
    expect(q.size).toBe(6);
    expect((errors[0] as DOMException).name).toBe('QuotaExceededError');
    expect(q.drops).toEqual({});
    full = false;
    q.push(ev('x', { v: 6 }));
    await q.written();
    expect(await real.count('q')).toBe(7);
    expect(await consume(q, 7)).toEqual([...Array(7).keys()]);
  });

  it('persist: a non-durable queue that closes leaves no rows behind', async () => {
    const store = createSpillStore(openDatabase(`spill-${Math.random()}`));
    const q = new PolicyQueue(policies.persist(2), { spill: { store, name: 'gone' } });
    for (let v = 0; v < 5; v++) q.push(ev('x', { v }));
    await q.written();
    q.dispose();
    await expect.poll(() => store.count('gone')).toBe(0);
  });

  it('persist without a store keeps everything in memory', () => {
    const q = new PolicyQueue(policies.persist(2));
    for (let v = 0; v < 10; v++) q.push(ev('x', { v }));
    expect(values(q.take(100))).toEqual([...Array(10).keys()]);
    expect(q.drops).toEqual({});
  });

  it('topics helper sanity', () => expect(topics([ev('a')])).toEqual(['a']));
});
