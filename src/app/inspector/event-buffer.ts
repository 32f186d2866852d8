// What the event inspector holds: the last N events in a ring, and for the current topic filter an index of
// the matching ones kept up to date as events arrive (one match per arrival, never a rescan of the ring; only
// a new filter rescans, once). Raw media (`*.chunk`, `*.frame`: audio samples, camera frames) arrive tens of
// times a second: they are kept in a smaller ring of their own, so they never push transcripts and actions
// out, hidden unless asked for, and summarised as rates. While paused the view is frozen and arrivals are
// only counted, so the user can read without rows moving.
import { type SentioEvent, assertPattern, patternMatches } from '../../index';
import { Ring } from './ring';

/** Raw sensor data: a topic whose last token is `chunk` or `frame`. */
export function isRawMedia(topic: string): boolean {
  return topic.endsWith('.chunk') || topic.endsWith('.frame');
}

interface Entry {
  seq: number;
  event: SentioEvent;
}

/** One kind of event (media or the rest): what is held, and which of it matches the filter. */
class Stream {
  readonly held: Ring<Entry>;
  readonly index: Ring<Entry>;

  constructor(capacity: number) {
    this.held = new Ring(capacity);
    this.index = new Ring(capacity);
  }

  add(entry: Entry, matches: boolean): void {
    const out = this.held.push(entry);
    // The index is in arrival order too: the entry that fell out of the ring is its oldest, if it matched.
    if (out && this.index.oldest() === out) this.index.shift();
    if (matches) this.index.push(entry);
  }

  reindex(pattern: string): void {
    this.index.clear();
    for (const e of this.held) if (patternMatches(pattern, e.event.topic)) this.index.push(e);
  }

  copy(): Stream {
    const s = new Stream(this.held.capacity);
    for (const e of this.held) s.held.push(e);
    for (const e of this.index) s.index.push(e);
    return s;
  }
}

/** Arrivals per topic over a sliding window, for topics too busy to list one by one. */
class TopicRates {
  private readonly arrivals = new Map<string, Ring<number>>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  add(topic: string): void {
    let r = this.arrivals.get(topic);
    if (!r) this.arrivals.set(topic, (r = new Ring(1024)));
    r.push(this.now());
  }

  /** Events per second over the window, busiest first; topics silent for a whole window are left out. */
  rates(): [topic: string, perSecond: number][] {
    const since = this.now() - this.windowMs;
    const out: [string, number][] = [];
    for (const [topic, r] of this.arrivals) {
      while (r.length && r.oldest()! <= since) r.shift();
      if (r.length) out.push([topic, r.length / (this.windowMs / 1000)]);
      else this.arrivals.delete(topic);
    }
    return out.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

export interface EventBufferOptions {
  /** How many raw media events are kept (apart from the others). */
  mediaCapacity?: number;
  /** The window media rates are counted over. */
  rateWindowMs?: number;
  now?: () => number;
}

export interface BufferCounts {
  total: number;
  held: number;
  shown: number;
  arrivedWhilePaused: number;
}

export class EventBuffer {
  private live: { main: Stream; media: Stream };
  private frozen: { main: Stream; media: Stream } | null = null;
  private readonly rates: TopicRates;
  private pattern = '>';
  private media = false;
  private arrivedWhilePaused = 0;
  private total = 0;

  constructor(capacity = 2000, options: EventBufferOptions = {}) {
    this.live = { main: new Stream(capacity), media: new Stream(options.mediaCapacity ?? 500) };
    this.rates = new TopicRates(options.rateWindowMs ?? 2000, options.now ?? (() => performance.now()));
  }

  push(event: SentioEvent): void {
    const seq = ++this.total;
    const media = isRawMedia(event.topic);
    if (media) this.rates.add(event.topic);
    const matches = patternMatches(this.pattern, event.topic);
    (media ? this.live.media : this.live.main).add({ seq, event }, matches);
    if (this.frozen && matches && (this.media || !media)) this.arrivedWhilePaused++;
  }

  /** Throws TopicError naming what is wrong with the pattern; the previous filter stays. */
  setFilter(pattern: string): void {
    const p = pattern.trim() === '' ? '>' : pattern.trim();
    assertPattern(p);
    if (p === this.pattern) return;
    this.pattern = p;
    for (const s of [this.live, this.frozen]) {
      s?.main.reindex(p);
      s?.media.reindex(p);
    }
  }

  get filter(): string {
    return this.pattern;
  }

  /** Whether raw media events are listed (they are always counted in `mediaRates`). */
  get showMedia(): boolean {
    return this.media;
  }

  setShowMedia(show: boolean): void {
    this.media = show;
  }

  pause(): void {
    if (!this.frozen) {
      this.frozen = { main: this.live.main.copy(), media: this.live.media.copy() };
      this.arrivedWhilePaused = 0;
    }
  }

  resume(): void {
    this.frozen = null;
    this.arrivedWhilePaused = 0;
  }

  get paused(): boolean {
    return this.frozen !== null;
  }

  /** How many events the view lists. */
  get length(): number {
    const s = this.frozen ?? this.live;
    return s.main.index.length + (this.media ? s.media.index.length : 0);
  }

  /** The view's rows `first` … `first + count - 1`, newest first. Costs `first + count`, not the ring. */
  slice(first: number, count: number): SentioEvent[] {
    const { main, media } = this.frozen ?? this.live;
    const end = Math.min(this.length, first + count);
    const out: SentioEvent[] = [];
    if (!this.media) {
      for (let i = Math.max(0, first); i < end; i++) out.push(main.index.newest(i)!.event);
      return out;
    }
    // Both streams are newest first by arrival: merge them by sequence number up to `end`.
    let a = 0;
    let b = 0;
    for (let i = 0; i < end; i++) {
      const x = main.index.newest(a);
      const y = media.index.newest(b);
      const take = !y || (x && x.seq > y.seq) ? (a++, x!) : (b++, y);
      if (i >= first) out.push(take.event);
    }
    return out;
  }

  /** The whole view, newest first. */
  visible(): SentioEvent[] {
    return this.slice(0, this.length);
  }

  /** Raw media topics and their events per second, busiest first. */
  mediaRates(): [topic: string, perSecond: number][] {
    return this.rates.rates();
  }

  counts(): BufferCounts {
    const { main, media } = this.live;
    return {
      total: this.total,
      held: main.held.length + media.held.length,
      shown: this.length,
      arrivedWhilePaused: this.arrivedWhilePaused,
    };
  }
}
