import { describe, expect, it } from 'vitest';
import { SpeechTimeline } from './speech-timeline';

const T0 = 1_700_000_000_000; // wall clock of stream second 0

describe('SpeechTimeline', () => {
  it('opens a segment on start, closes it on end, and adds its transcript', () => {
    const t = new SpeechTimeline();
    t.started(1, 1.0, T0 + 1000);
    expect(t.segments()).toEqual([{ segment: 1, start: 1, end: null, text: null }]);
    t.ended(1, 1.0, 3.5);
    t.transcribed(1, 'go forward ten meters', 1.0, 3.5);
    expect(t.segments()).toEqual([{ segment: 1, start: 1, end: 3.5, text: 'go forward ten meters' }]);
    expect(t.transcript()).toEqual(['go forward ten meters']);
  });

  it('keeps the transcript in spoken order when transcripts arrive out of order', () => {
    const t = new SpeechTimeline();
    t.started(1, 1, T0 + 1000);
    t.ended(1, 1, 3);
    t.started(2, 4.5, T0 + 4500);
    t.ended(2, 4.5, 8);
    t.transcribed(2, 'he was not an ill disposed young man', 4.5, 8);
    expect(t.transcript()).toEqual(['he was not an ill disposed young man']);
    t.transcribed(1, 'go forward', 1, 3);
    expect(t.transcript()).toEqual(['go forward', 'he was not an ill disposed young man']);
  });

  it('places segments in a sliding window, open ones running up to now, old ones clipped or gone', () => {
    const t = new SpeechTimeline();
    t.started(1, 1, T0 + 1000);
    t.ended(1, 1, 3);
    t.started(2, 8, T0 + 8000);
    // now = stream second 10, window 10 s → [0, 10]
    expect(t.layout(T0 + 10_000, 10)).toEqual([
      { segment: 1, left: 0.1, width: 0.2, open: false },
      { segment: 2, left: 0.8, width: 0.2, open: true },
    ]);
    // now = 12: [2, 12]; segment 1 is clipped to 2…3
    expect(t.layout(T0 + 12_000, 10)[0]).toEqual({
      segment: 1,
      left: 0,
      width: expect.closeTo(0.1, 9),
      open: false,
    });
    // now = 14: segment 1 has slid out
    expect(t.layout(T0 + 14_000, 10).map((s) => s.segment)).toEqual([2]);
  });

  it('has nothing to place before the first start (the stream origin is unknown)', () => {
    expect(new SpeechTimeline().layout(T0, 10)).toEqual([]);
  });

  it('keeps only the newest segments', () => {
    const t = new SpeechTimeline(2);
    for (let i = 1; i <= 4; i++) t.transcribed(i, `s${i}`, i, i + 0.5);
    expect(t.transcript()).toEqual(['s3', 's4']);
  });

  it('refuses impossible times and segment numbers with the reason', () => {
    const t = new SpeechTimeline();
    expect(() => t.ended(1, 3, 2)).toThrow('segment 1 ends (2 s) before it starts (3 s)');
    expect(() => t.started(1, -1, T0)).toThrow('a speech start must be a time in seconds ≥ 0 (got -1)');
    expect(() => t.ended(1.5, 1, 2)).toThrow(/whole number/);
    expect(() => t.layout(T0, 0)).toThrow(/window/);
    expect(() => new SpeechTimeline(0)).toThrow(/keep/);
  });
});
