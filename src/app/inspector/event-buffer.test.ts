import { describe, expect, it } from 'vitest';
import type { EventId, SentioEvent } from '../../index';
import { EventBuffer, isRawMedia } from './event-buffer';

const ev = (n: number, topic: string, payload: unknown = { n }): SentioEvent => ({
  id: `id-${n}` as EventId,
  type: topic,
  topic,
  ts: n,
  source: 't',
  privacy: 'private',
  qos: 'batched',
  payload,
});

describe('EventBuffer', () => {
  it('keeps the newest N, newest first, filtered by topic pattern', () => {
    const b = new EventBuffer(3);
    ['a.x', 'b.y', 'a.z', 'a.x'].forEach((t, i) => b.push(ev(i, t)));
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2, 1]);
    b.setFilter('a.*');
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2]);
    expect(b.counts()).toEqual({ total: 4, held: 3, shown: 2, arrivedWhilePaused: 0 });
  });

  it('keeps the filtered index as events arrive and fall out, without rescanning', () => {
    const b = new EventBuffer(4);
    b.setFilter('a.>');
    for (let i = 0; i < 20; i++) b.push(ev(i, i % 3 === 0 ? 'a.x' : 'b.y'));
    // Held: 16..19; of those, a.x are 18 (18 % 3 === 0).
    expect(b.visible().map((e) => e.ts)).toEqual([18]);
    expect(b.length).toBe(1);
    b.setFilter('>');
    expect(b.visible().map((e) => e.ts)).toEqual([19, 18, 17, 16]);
    expect(b.slice(1, 2).map((e) => e.ts)).toEqual([18, 17]);
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
    b.setFilter('b');
    expect(b.visible()).toEqual([]);
    b.setFilter('a');
    b.resume();
    expect(b.visible().map((e) => e.ts)).toEqual([3, 2, 1]);
  });

  it('hides raw media by default, keeps it apart so it cannot push other events out, and counts its rate', () => {
    let now = 0;
    const b = new EventBuffer(3, { mediaCapacity: 5, rateWindowMs: 1000, now: () => now });
    b.push(ev(0, 'audio.transcript'));
    for (let i = 1; i <= 40; i++) {
      now = i * 25; // 40 per second
      b.push(ev(i, 'audio.mic.chunk'));
      if (i % 4 === 0) b.push(ev(100 + i, 'camera.front.frame'));
    }
    expect(b.visible().map((e) => e.topic)).toEqual(['audio.transcript']);
    expect(b.mediaRates()).toEqual([
      ['audio.mic.chunk', 40],
      ['camera.front.frame', 10],
    ]);
    b.setShowMedia(true);
    // Newest first across both kinds, by arrival: the transcript came first.
    const topics = b.visible().map((e) => e.topic);
    expect(topics).toHaveLength(6);
    expect(topics.at(-1)).toBe('audio.transcript');
    expect(topics[0]).toBe('camera.front.frame');
    expect(b.slice(5, 10).map((e) => e.topic)).toEqual(['audio.transcript']);
    now += 5000;
    expect(b.mediaRates()).toEqual([]);
  });

  it('knows raw media by the last token', () => {
    expect(isRawMedia('audio.mic-1.chunk')).toBe(true);
    expect(isRawMedia('camera.front.frame')).toBe(true);
    expect(isRawMedia('audio.mic-1.level')).toBe(false);
    expect(isRawMedia('frame')).toBe(false);
  });
});
