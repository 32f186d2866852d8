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
