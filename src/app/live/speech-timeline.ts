// Bookkeeping for the speech strip and the running transcript: segments as the VAD opens and closes them, their
// transcripts as they arrive (later, and possibly out of order), and where each segment sits in a sliding
// window of the last few seconds. Times are seconds from the audio stream's start, as the pipeline reports them;
// the stream's start in wall-clock time is learned from the events' own timestamps.

export interface TimelineSegment {
  segment: number;
  start: number;
  /** null while the person is still speaking. */
  end: number | null;
  /** null until the segment has been transcribed. */
  text: string | null;
}

export interface PlacedSegment {
  segment: number;
  /** Fractions of the window (0 = its left edge, 1 = now). */
  left: number;
  width: number;
  open: boolean;
}

function checkTime(what: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${what} must be a time in seconds ≥ 0 (got ${v})`);
}

export class SpeechTimeline {
  private readonly bySegment = new Map<number, TimelineSegment>();
  /** Wall-clock ms of stream second 0. */
  private origin: number | null = null;

  constructor(private readonly keep = 50) {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`the timeline must keep a whole number ≥ 1 of segments (got ${keep})`);
  }

  /** `ts`: the event's wall-clock time (ms since epoch) of stream second `at`. */
  started(segment: number, at: number, ts: number): void {
    checkTime('a speech start', at);
    this.origin ??= ts - at * 1000;
    this.upsert(segment, { start: at });
  }

  ended(segment: number, start: number, end: number): void {
    checkTime('a speech start', start);
    checkTime('a speech end', end);
    if (end < start) throw new RangeError(`segment ${segment} ends (${end} s) before it starts (${start} s)`);
    this.upsert(segment, { start, end });
  }

  transcribed(segment: number, text: string, start: number, end: number): void {
    this.ended(segment, start, end);
    this.upsert(segment, { text });
  }

  segments(): TimelineSegment[] {
    return [...this.bySegment.values()].sort((a, b) => a.segment - b.segment);
  }

  /** The transcribed segments' text, in the order they were spoken. */
  transcript(): string[] {
    return this.segments().flatMap((s) => (s.text === null ? [] : [s.text]));
  }

  /** Segments overlapping the last `windowSec` seconds before `nowMs` (wall clock), clipped to it. */
  layout(nowMs: number, windowSec: number): PlacedSegment[] {
    if (!(windowSec > 0)) throw new RangeError(`the window must be > 0 s (got ${windowSec})`);
    if (this.origin === null) return [];
    const now = (nowMs - this.origin) / 1000;
    const from = now - windowSec;
    const placed: PlacedSegment[] = [];
    for (const s of this.segments()) {
      const end = s.end ?? now;
      if (end <= from || s.start >= now) continue;
      const a = Math.max(s.start, from);
      const b = Math.min(end, now);
      placed.push({
        segment: s.segment,
        left: (a - from) / windowSec,
        width: (b - a) / windowSec,
        open: s.end === null,
      });
    }
    return placed;
  }

  private upsert(segment: number, change: Partial<TimelineSegment>): void {
    if (!Number.isInteger(segment) || segment < 0)
      throw new RangeError(`a segment number must be a whole number ≥ 0 (got ${segment})`);
    const s = this.bySegment.get(segment) ?? { segment, start: 0, end: null, text: null };
    this.bySegment.set(segment, { ...s, ...change });
    // Oldest first out: segment numbers only grow within a stream.
    while (this.bySegment.size > this.keep) this.bySegment.delete(Math.min(...this.bySegment.keys()));
  }
}
