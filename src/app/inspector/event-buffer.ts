// What the event inspector holds: the last N events (a ring), a topic filter and a pause switch. While
// paused the view is frozen and arrivals are only counted, so the user can read without rows moving.
import type { SentioEvent } from '../../events/event';
import { assertPattern, patternMatches } from '../../events/topic';

export class EventBuffer {
  private readonly ring: SentioEvent[] = [];
  private frozen: SentioEvent[] | null = null;
  private pattern = '>';
  private arrivedWhilePaused = 0;
  private total = 0;

  constructor(private readonly capacity = 2000) {}

  push(event: SentioEvent): void {
    this.total++;
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.shift();
    if (this.frozen) this.arrivedWhilePaused++;
  }

  /** Throws TopicError naming what is wrong with the pattern; the previous filter stays. */
  setFilter(pattern: string): void {
    const p = pattern.trim() === '' ? '>' : pattern.trim();
    assertPattern(p);
    this.pattern = p;
  }

  get filter(): string {
    return this.pattern;
  }

  pause(): void {
    if (!this.frozen) {
      this.frozen = [...this.ring];
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

  /** Newest first, filtered. */
  visible(): SentioEvent[] {
    const source = this.frozen ?? this.ring;
    const out: SentioEvent[] = [];
    for (let i = source.length - 1; i >= 0; i--) {
      const e = source[i]!;
      if (patternMatches(this.pattern, e.topic)) out.push(e);
    }
    return out;
  }

  counts(): { total: number; held: number; arrivedWhilePaused: number } {
    return { total: this.total, held: this.ring.length, arrivedWhilePaused: this.arrivedWhilePaused };
  }
}

/** One line of text for a payload, cut to `max` characters. Text only: the caller sets textContent. */
export function payloadPreview(payload: unknown, max = 160): string {
  let text: string;
  try {
    text = JSON.stringify(payload) ?? String(payload);
  } catch {
    text = Object.prototype.toString.call(payload); // cyclic or exotic (a VideoFrame): name its kind
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
