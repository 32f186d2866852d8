import { describe, expect, it } from 'vitest';
import { eventsToJsonl, type EventId, type SentioEvent } from '../../index';
import { EmptySessionError, readSessionFile } from './session-file';

function event(n: number, topic: string, ts: number): SentioEvent {
  return {
    id: `0190a0b0-0000-7000-8000-${String(n).padStart(12, '0')}` as EventId,
    type: topic,
    topic,
    ts,
    source: 'test',
    privacy: 'private',
    qos: 'batched',
    payload: { n },
  };
}

describe('readSessionFile', () => {
  it('summarises the events: count, time range, topics in first-seen order', () => {
    const jsonl = eventsToJsonl([event(1, 'a.x', 2000), event(2, 'b.y', 1000), event(3, 'a.x', 3000)]);
    const { events, summary } = readSessionFile(jsonl);
    expect(events.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(summary).toEqual({ events: 3, firstTs: 1000, lastTs: 3000, topics: ['a.x', 'b.y'], errors: [] });
  });

  it('skips bad lines, naming each by number and reason, and keeps the good ones', () => {
    const good = eventsToJsonl([event(1, 'a.x', 1000)]).trim();
    const noTopic = JSON.stringify({ ...event(2, 'a.x', 1001), topic: undefined });
    const { summary } = readSessionFile(
      [good, '{not json', noTopic, '', good.replace('"n":1', '"n":4')].join('\n'),
    );
    expect(summary.events).toBe(2);
    expect(summary.errors).toHaveLength(2);
    expect(summary.errors[0]).toMatch(/line 2: not valid JSON/);
    expect(summary.errors[1]).toMatch(/line 3: .*topic/);
  });

  it('refuses a file with no valid event, saying why', () => {
    expect(() => readSessionFile('')).toThrow(EmptySessionError);
    expect(() => readSessionFile('\n\n')).toThrow(/the session file is empty/);
    expect(() => readSessionFile('oops\n')).toThrow(
      /no valid event \(1 bad line; first: .*line 1: not valid JSON/,
    );
  });
});
