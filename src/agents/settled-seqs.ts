// Which inbox seqs an agent has settled, as its state row records them: every seq ≤ `settledThrough`, plus the
// settled ones above it (`settledAbove`). Events reach a runner in inbox order (load first, then forwards), so
// the lowest seq still open bounds `settledThrough`.

export interface SettledMark {
  settledThrough: number;
  settledAbove: number[];
}

export class SettledSeqs {
  private readonly open = new Set<number>();
  /**
   * The open seqs in ascending order, with settled ones skipped lazily from `head`: the lowest open seq in
   * amortised O(1) per commit, where scanning `open` made a long backlog quadratic.
   */
  private order: number[] = [];
  private head = 0;
  private arrivedMax: number;
  private above: Set<number>;

  constructor(loaded: SettledMark) {
    this.above = new Set(loaded.settledAbove);
    this.arrivedMax = Math.max(loaded.settledThrough, ...loaded.settledAbove);
  }

  /** At or below the highest seq seen: a copy of one already taken. */
  seen(seq: number): boolean {
    return seq <= this.arrivedMax;
  }

  arrived(seq: number): void {
    this.open.add(seq);
    this.insert(seq);
    if (seq > this.arrivedMax) this.arrivedMax = seq;
  }

  settle(seq: number): void {
    this.open.delete(seq);
  }

  /** What the next commit records, given the seqs settled since the last one. */
  mark(settledSinceCommit: readonly number[]): SettledMark {
    const lowest = this.lowestOpen();
    const through = lowest !== undefined && lowest <= this.arrivedMax ? lowest - 1 : this.arrivedMax;
    const above = [...this.above, ...settledSinceCommit].filter((seq) => seq > through);
    return { settledThrough: through, settledAbove: above };
  }

  /** The mark is in the state row now. */
  committed(mark: SettledMark): void {
    this.above = new Set(mark.settledAbove);
  }

  private insert(seq: number): void {
    const order = this.order;
    const last = order[order.length - 1];
    if (last === undefined || seq > last) {
      order.push(seq);
      return;
    }
    // Out of order (only possible across a load and its first forwards): keep the array sorted.
    let i = order.length;
    while (i > this.head && order[i - 1]! > seq) i--;
    order.splice(i, 0, seq);
  }

  private lowestOpen(): number | undefined {
    const order = this.order;
    while (this.head < order.length && !this.open.has(order[this.head]!)) this.head++;
    if (this.head > 1024 && this.head * 2 > order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
    return this.order[this.head];
  }
}
