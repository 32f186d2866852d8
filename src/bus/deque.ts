// A growable ring buffer: O(1) push and shift at any size, which a plain array's shift() is not. Backlogs of
// slow subscribers can hold hundreds of thousands of events.
export class Deque<T> {
  private buf: (T | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(x: T): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.head + this.count) % this.buf.length] = x;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.count--;
    return x;
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.buf[(this.head + i) % this.buf.length];
  }

  /** O(n): for the small per-topic bounded queues of `latest`. */
  removeAt(i: number): T | undefined {
    const items = this.toArray();
    const [x] = items.splice(i, 1);
    this.replace(items);
    return x;
  }

  /** Puts `xs` in front, in their order. */
  unshiftAll(xs: readonly T[]): void {
    if (xs.length) this.replace([...xs, ...this.toArray()]);
  }

  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buf[(this.head + i) % this.buf.length]!;
    return out;
  }

  clear(): void {
    this.replace([]);
  }

  private replace(items: T[]): void {
    this.buf = new Array(Math.max(16, items.length * 2));
    for (let i = 0; i < items.length; i++) this.buf[i] = items[i];
    this.head = 0;
    this.count = items.length;
  }

  private grow(): void {
    this.replace(this.toArray());
  }
}
