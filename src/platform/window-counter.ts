// "How many times within the last windowMs?" — the question behind isolating a plugin that keeps failing,
// flooding or sending oversize messages: each occurrence is stamped, stamps older than the window fall off.

export class WindowCounter {
  private stamps: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one occurrence now; returns how many fall within the window, this one included. */
  hit(): number {
    const now = this.now();
    this.stamps = this.stamps.filter((t) => now - t < this.windowMs);
    this.stamps.push(now);
    return this.stamps.length;
  }

  reset(): void {
    this.stamps = [];
  }
}
