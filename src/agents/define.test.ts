import { describe, expect, it } from 'vitest';
import { defineAgent } from './define';
import { AgentDefinitionError } from './errors';
import { advanceWindow, windowView } from './context-window';
import type { SentioEvent } from '../events/event';

describe('defineAgent', () => {
  const ok = { id: 'coach', subscribe: ['vision.face.>'], initialState: { n: 0 }, on() {} };

  it('fills in defaults', () => {
    const a = defineAgent(ok);
    expect(a.stateVersion).toBe(1);
    expect(a.durable).toBe(true);
    expect(a.maxAttempts).toBe(3);
    expect(a.subscriptions).toEqual([{ pattern: 'vision.face.>' }]);
  });

  it('bounds an in-memory mailbox by its policies, never a durable one', () => {
    expect(defineAgent(ok).mailboxCapacity).toBe(Infinity);
    expect(
      defineAgent({ ...ok, durable: false, subscribe: [{ pattern: 'a', qos: 'realtime' }] }).mailboxCapacity,
    ).toBe(1);
    expect(
      defineAgent({
        ...ok,
        durable: false,
        subscribe: [{ pattern: 'a', policy: { kind: 'dropOldest', n: 10 } }, { pattern: 'b' }],
      }).mailboxCapacity,
    ).toBe(4096);
  });

  it('names the bad field', () => {
    expect(() => defineAgent({ ...ok, id: 'has space' })).toThrow(AgentDefinitionError);
    expect(() => defineAgent({ ...ok, subscribe: [] })).toThrow(/at least one topic/);
    expect(() => defineAgent({ ...ok, subscribe: ['a.>.b'] })).toThrow(/subscribe/);
    expect(() => defineAgent({ ...ok, initialState: { f: () => 1 } })).toThrow(/structured-cloneable/);
    expect(() => defineAgent({ ...ok, stateVersion: 0 })).toThrow(/stateVersion/);
    expect(() => defineAgent({ ...ok, timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => defineAgent({ ...ok, maxAttempts: 1.5 })).toThrow(/maxAttempts/);
  });
});

describe('context window', () => {
  const ev = (id: string, topic: string, ts: number) =>
    ({ id, topic, ts, payload: id }) as unknown as SentioEvent;

  it('keeps at most maxCount entries and none older than maxAgeMs', () => {
    let w = advanceWindow([], ev('a', 'x.a', 0), { maxCount: 3, maxAgeMs: 100 });
    w = advanceWindow(w, ev('b', 'x.b', 50), { maxCount: 3, maxAgeMs: 100 });
    w = advanceWindow(w, ev('c', 'y.c', 120), { maxCount: 3, maxAgeMs: 100 });
    expect(w.map((e) => e.id)).toEqual(['b', 'c']);
    w = advanceWindow(w, ev('d', 'x.d', 130), { maxCount: 2, maxAgeMs: 100 });
    expect(w.map((e) => e.id)).toEqual(['c', 'd']);
    expect(
      windowView(w)
        .onTopic('x.*')
        .map((e) => e.id),
    ).toEqual(['d']);
  });
});
