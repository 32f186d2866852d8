// Time series for the charts: one x (seconds) and several y columns, keeping the last `length` samples —
// the aligned-columns shape uPlot draws.
export class RollingSeries {
  private readonly columns: number[][];

  constructor(
    readonly names: readonly string[],
    private readonly length = 120,
  ) {
    this.columns = [[], ...names.map(() => [])];
  }

  add(tSeconds: number, values: readonly number[]): void {
    if (values.length !== this.names.length)
      throw new RangeError(
        `expected ${this.names.length} values (${this.names.join(', ')}), got ${values.length}`,
      );
    this.columns[0]!.push(tSeconds);
    values.forEach((v, i) => this.columns[i + 1]!.push(Number.isFinite(v) ? v : 0));
    if (this.columns[0]!.length > this.length) for (const c of this.columns) c.shift();
  }

  /** [x, y1, y2, …] */
  data(): number[][] {
    return this.columns.map((c) => [...c]);
  }
}
