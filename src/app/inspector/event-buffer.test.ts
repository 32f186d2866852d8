import { describe, expect, it } from 'vitest';
import type { EventId, SentioEvent } from '../../events/event';
import { EventBuffer, payloadPreview } from './event-buffer';

const ev = (n: number, topic: string): SentioEvent => ({
  id: `id-${n}` as EventId,
  type: topic,
  topic,
  ts: n,
  source: 't',
  privacy: 'private',
  qos: 'batched',
  payload: { n },
});

describe('EventBuffer', () => {
  it('keeps the newest N, newest first, filtered by topic pattern', () => {
    const b = new EventBuffer(3);
    ['a.x', 'b.y', 'a.z', 'a.x'].forEach((t, i) => b.push(ev(i, t)));
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2, 1]);
    b.setFilter('a.*');
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2]);
    expect(b.counts()).toEqual({ total: 4, held: 3, arrivedWhilePaused: 0 });
  });

  it('refuses a bad pattern by reason and keeps the old filter', () => {
    const b = new EventBuffer();
    b.setFilter('a.>');
    expect(() => b.setFilter('a.>.b')).toThrow(/">" may only be the last token/);
    expect(b.filter).toBe('a.>');
    b.setFilter('  ');
    expect(b.filter).toBe('>');
  });

  it('freezes the view while paused and counts what arrived', () => {
    const b = new EventBuffer();
    b.push(ev(1, 'a'));
    b.pause();
    b.push(ev(2, 'a'));
    b.push(ev(3, 'a'));
    expect(b.visible().map((e) => e.ts)).toEqual([1]);
    expect(b.counts().arrivedWhilePaused).toBe(2);
    b.resume();
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2, 1]);
  });
});

describe('payloadPreview', () => {
  it('is text, cut to length, and survives cyclic payloads', () => {
    expect(payloadPreview({ html: '<img src=x onerror=alert(1)>' })).toBe(
      '{"html":"<img src=x onerror=alert(1)>"}',
    );
    expect(payloadPreview('x'.repeat(500), 10)).toBe(`${'"'}${'x'.repeat(8)}…`);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(payloadPreview(cyclic)).toBe('[object Object]');
    expect(payloadPreview(undefined)).toBe('undefined');
  });
});
