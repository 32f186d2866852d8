// "How many times within the last windowMs?" — the question behind isolating a plugin that keeps failing,
// flooding or sending oversize messages, and behind a bridge peer's events per second: each occurrence is
// stamped, stamps older than the window fall off the front. Amortised O(1) per hit: at thousands of events a
// second, re-filtering every stamp on each hit (or each stats read) cost more than the events themselves.

export class WindowCounter {
  private stamps: number[] = [];
  /** Stamps before this index have fallen out of the window. */
  private head = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  private expire(now: number): void {
    const s = this.stamps;
    while (this.head < s.length && now - s[this.head]! >= this.windowMs) this.head++;
    // Compact once the dead prefix is large and most of the array: memory stays proportional to the window.
    if (this.head > 1024 && this.head * 2 > s.length) {
      this.stamps = s.slice(this.head);
      this.head = 0;
    }
  }

  /** Counts one occurrence now; returns how many fall within the window, this one included. */
  hit(): number {
    const now = this.now();
    this.expire(now);
    this.stamps.push(now);
    return this.stamps.length - this.head;
  }

  /** How many occurrences fall within the window now. */
  count(): number {
    this.expire(this.now());
    return this.stamps.length - this.head;
  }

  reset(): void {
    this.stamps = [];
    this.head = 0;
  }
}
