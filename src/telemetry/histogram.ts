// A fixed-size log-bucketed latency histogram: constant memory and O(1) record, percentiles within ~6%.
// Buckets grow by 12.5% from 1 µs to about 10 min, which covers bus hops and model calls alike.

const GROWTH = 1.125;
const MIN_MS = 0.001;
const BUCKETS = 180;
const LOG_GROWTH = Math.log(GROWTH);

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  private total = 0;
  private maxSeen = 0;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.counts[i]!++;
    this.total++;
    if (ms > this.maxSeen) this.maxSeen = ms;
  }

  /** Upper edge of the bucket holding the p-th percentile (never more than the largest value seen). */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxSeen, i === 0 ? MIN_MS : MIN_MS * GROWTH ** i);
    }
    return this.maxSeen;
  }

  summary(): Percentiles {
    return {
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.maxSeen,
      count: this.total,
    };
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i <= BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.maxSeen = Math.max(this.maxSeen, other.maxSeen);
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.maxSeen = 0;
  }
}
