import { describe, expect, it, vi } from 'vitest';
import type { SentioEvent } from '../events/event';
import { EventValidationError } from '../events/validate';
import { createLocalBus } from './local-bus';
import { policies } from './policy';
import { BusClosedError, HandlerRetryError, RequestTimeoutError } from './types';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createLocalBus', () => {
  it('delivers by wildcard pattern with a complete event', () => {
    const bus = createLocalBus({ name: 'camera.front' });
    const got: SentioEvent[] = [];
    bus.subscribe('camera.*.face', (e) => void got.push(e));
    bus.subscribe('audio.>', () => expect.fail('wrong topic'));
    const sent = bus.publish(
      'camera.front.face',
      { score: 0.9 },
      { privacy: 'local', qos: 'realtime', priority: 2 },
    );
    expect(got).toEqual([sent]);
    expect(sent).toMatchObject({
      type: 'camera.front.face',
      topic: 'camera.front.face',
      source: 'camera.front',
      privacy: 'local',
      qos: 'realtime',
      priority: 2,
      payload: { score: 0.9 },
    });
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes with a given id (a re-published event keeps its first id) and names a bad one', () => {
    const bus = createLocalBus({ name: 't' });
    const got: string[] = [];
    bus.subscribe('x', (e) => void got.push(e.id));
    const first = bus.publish('x', 1);
    expect(bus.publish('x', 1, { id: first.id }).id).toBe(first.id);
    expect(got).toEqual([first.id, first.id]);
    expect(() => bus.publish('x', 1, { id: 'not-an-id' })).toThrow(
      /id must be a lower-case UUIDv7.*not-an-id/,
    );
  });

  it('rejects a bad topic or pattern with the reason', () => {
    const bus = createLocalBus({ name: 't' });
    expect(() => bus.publish('camera..face', 1)).toThrow(/token 2 is empty/);
    expect(() => bus.subscribe('camera.>.x', () => {})).toThrow(/">" may only be the last token/);
    expect(() => bus.subscribe('a', () => {}, { policy: { kind: 'latest', n: 0 } })).toThrow(
      /latest.n must be a whole number/,
    );
  });

  it('runs one handler call at a time and applies the policy to the backlog of a slow subscriber', async () => {
    const bus = createLocalBus({ name: 't' });
    let running = 0;
    let maxRunning = 0;
    const seen: number[] = [];
    let release!: () => void;
    const sub = bus.subscribe(
      'frames',
      async (e) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push(e.payload as number);
        await new Promise<void>((r) => (release = r));
        running--;
      },
      { policy: policies.latest(1) },
    );
    for (let i = 0; i < 10; i++) bus.publish('frames', i);
    expect(sub.stats().backlog).toBe(1);
    expect(sub.stats().dropped).toEqual({ latest: 8 });
    release();
    await tick();
    release();
    await tick();
    expect(seen).toEqual([0, 9]);
    expect(maxRunning).toBe(1);
    expect(sub.stats().delivered).toBe(2);
  });

  it('counts and reports a throwing handler and keeps delivering', async () => {
    const errors: unknown[] = [];
    const bus = createLocalBus({ name: 't', onHandlerError: (e) => errors.push(e) });
    const ok = vi.fn();
    const bad = bus.subscribe('x', (e) => {
      if (e.payload === 1) throw new Error('boom');
    });
    bus.subscribe('x', ok);
    bus.publish('x', 1);
    bus.publish('x', 2);
    expect(bad.stats().errors).toBe(1);
    expect(bad.stats().delivered).toBe(2);
    expect(ok).toHaveBeenCalledTimes(2);
    expect((errors[0] as Error).message).toBe('boom');
    expect(bus.stats().lastErrors[0]).toMatch(/handler of subscription .* failed on x: boom/);
  });

  it('delivers again, in order and with nothing counted lost, an event whose handler threw HandlerRetryError', async () => {
    const bus = createLocalBus({ name: 't' });
    const handled: number[] = [];
    let refusals = 0;
    const sub = bus.subscribe(
      'inbox',
      (e) => {
        const n = e.payload as number;
        // The first event is refused twice: once synchronously, once by a rejected promise.
        if (n === 0 && refusals === 0) {
          refusals++;
          throw new HandlerRetryError('storage full');
        }
        if (n === 0 && refusals === 1) {
          refusals++;
          return Promise.reject(new HandlerRetryError('storage still full'));
        }
        handled.push(n);
      },
      { policy: policies.persist() },
    );
    for (const n of [0, 1, 2]) bus.publish('inbox', n);
    await vi.waitFor(() => expect(handled).toEqual([0, 1, 2]), { timeout: 5000 });
    expect(sub.stats()).toMatchObject({ delivered: 3, redelivered: 2, errors: 0, backlog: 0, dropped: {} });
    bus.close();
  });

  it('hands a batch handler what waited while it was busy, oldest first, at most maxBatch per call', async () => {
    const bus = createLocalBus({ name: 't' });
    const calls: number[][] = [];
    let release: (() => void) | undefined;
    const sub = bus.subscribeBatch(
      'rows',
      (events) => {
        calls.push(events.map((e) => e.payload as number));
        return new Promise<void>((r) => (release = r));
      },
      { policy: policies.persist(), maxBatch: 4 },
    );
    for (let i = 0; i < 10; i++) bus.publish('rows', i);
    // Idle, it took the first at once; the other nine wait for the promise.
    expect(calls).toEqual([[0]]);
    expect(sub.stats().backlog).toBe(9);
    for (const expected of [[1, 2, 3, 4], [5, 6, 7, 8], [9]]) {
      release!();
      await vi.waitFor(() => expect(calls.at(-1)).toEqual(expected));
    }
    release!();
    await vi.waitFor(() => expect(sub.stats()).toMatchObject({ delivered: 10, backlog: 0, errors: 0 }));
    expect(calls).toHaveLength(4);
    bus.close();
  });

  it('delivers a refused batch again whole, before anything later; a failed batch is one error naming its first event', async () => {
    const errors: [unknown, SentioEvent | undefined][] = [];
    const bus = createLocalBus({ name: 't', onHandlerError: (e, ev) => errors.push([e, ev]) });
    const calls: number[][] = [];
    let refuse = 1;
    let gate: Promise<void> | undefined = new Promise<void>((r) => setTimeout(r, 10));
    const sub = bus.subscribeBatch(
      'rows',
      async (events) => {
        const ns = events.map((e) => e.payload as number);
        calls.push(ns);
        if (gate) {
          const g = gate;
          gate = undefined;
          return g; // Busy while 1…5 are published: they wait as one batch.
        }
        if (ns[0] === 1 && refuse-- > 0) throw new HandlerRetryError('storage full');
        if (ns.includes(7)) throw new Error('bad batch');
      },
      { policy: policies.persist() },
    );
    for (let i = 0; i < 6; i++) bus.publish('rows', i);
    await vi.waitFor(() => expect(calls).toEqual([[0], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]), { timeout: 5000 });
    bus.publish('rows', 7);
    await vi.waitFor(() => expect(sub.stats()).toMatchObject({ delivered: 7, redelivered: 5, errors: 1 }));
    expect(errors).toHaveLength(1);
    expect((errors[0]![0] as Error).message).toBe('bad batch');
    expect(errors[0]![1]!.payload).toBe(7);
    expect(sub.stats().backlog).toBe(0);
    expect(() => bus.subscribeBatch('rows', () => {}, { maxBatch: 0 })).toThrow(
      /maxBatch must be a whole number ≥ 1 \(got 0\)/,
    );
    bus.close();
  });

  it('validates published events and names the field; other subscribers see no difference', () => {
    const bus = createLocalBus({ name: 't' });
    const got = vi.fn();
    bus.subscribe('>', got);
    const good = bus.publish('a.b', 1);
    expect(() => bus.publishEvent({ ...good, qos: 'urgent' as never })).toThrow(EventValidationError);
    expect(() => bus.publishEvent({ ...good, qos: 'urgent' as never })).toThrow(/qos: qos must be one of/);
    bus.publishEvent({ ...good, payload: 2 });
    expect(got).toHaveBeenCalledTimes(2);
    expect(bus.stats().rejected).toBe(2);
  });

  it('stops delivering after unsubscribe', () => {
    const bus = createLocalBus({ name: 't' });
    const got = vi.fn();
    const sub = bus.subscribe('a', got);
    bus.publish('a', 1);
    sub.unsubscribe();
    bus.publish('a', 2);
    expect(got).toHaveBeenCalledTimes(1);
    expect(bus.stats().subscriptions).toHaveLength(0);
  });

  it('answers requests and times out when nobody replies', async () => {
    const bus = createLocalBus({ name: 't' });
    bus.subscribe('math.double', (e) => bus.reply(e, (e.payload as number) * 2));
    const reply = await bus.request<number>('math.double', 21);
    expect(reply.payload).toBe(42);
    await expect(bus.request('nobody.home', 1, { timeoutMs: 20 })).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
    expect(() => bus.reply(reply, 1)).toThrow(/is not a request/);
  });

  it('reports per-topic rates and delivery counts', () => {
    let now = 1_000;
    const bus = createLocalBus({ name: 't', clock: { now: () => now } });
    bus.subscribe('a', () => {});
    bus.stats();
    for (let i = 0; i < 50; i++) bus.publish('a', i);
    now += 500;
    const s = bus.stats();
    expect(s.published).toBe(50);
    expect(s.delivered).toBe(50);
    expect(s.topicRates.a).toBe(100);
  });

  it('keeps per-topic rates across a subscription added between two samples', () => {
    let now = 1_000;
    const bus = createLocalBus({ name: 't', clock: { now: () => now } });
    bus.stats();
    for (let i = 0; i < 50; i++) bus.publish('a', i);
    // A new subscriber rebuilds the routing cache; what was published before it still counts.
    bus.subscribe('b', () => {});
    bus.publish('a', 50);
    now += 1000;
    expect(bus.stats().topicRates.a).toBe(51);
  });

  it('refuses to publish after close', () => {
    const bus = createLocalBus({ name: 't' });
    bus.close();
    expect(() => bus.publish('a', 1)).toThrow(BusClosedError);
  });
});
