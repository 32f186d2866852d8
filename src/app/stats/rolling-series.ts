// Time series for the charts: one x (seconds) and several y columns, keeping the last `length` samples —
// the aligned-columns shape uPlot draws. A null value is a gap (nothing measured then); NaN or ±Infinity
// counts as 0.
export class RollingSeries {
  private readonly columns: (number | null)[][];

  constructor(
    readonly names: readonly string[],
    private readonly length = 120,
  ) {
    this.columns = [[], ...names.map(() => [])];
  }

  add(tSeconds: number, values: readonly (number | null)[]): void {
    if (values.length !== this.names.length)
      throw new RangeError(
        `expected ${this.names.length} values (${this.names.join(', ')}), got ${values.length}`,
      );
    this.columns[0]!.push(tSeconds);
    values.forEach((v, i) => this.columns[i + 1]!.push(v === null ? null : Number.isFinite(v) ? v : 0));
    if (this.columns[0]!.length > this.length) for (const c of this.columns) c.shift();
  }

  /** [x, y1, y2, …] */
  data(): (number | null)[][] {
    return this.columns.map((c) => [...c]);
  }
}
