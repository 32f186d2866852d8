// What the pipeline charts draw, sampled once a second: p50/p99 of each stage over that second (a gap when
// the stage ran nothing), and the bus's backlog and drops summed over every subscription the hub serves.
import { type HubStats, type Percentiles, STAGES, type Stage } from '../../index';
import { RollingSeries } from '../stats/rolling-series';

export interface BusFlow {
  /** Events waiting for their subscribers now. */
  backlog: number;
  /** Events dropped by backpressure policies since the hub started. */
  dropped: number;
}

export function busFlow(hub: Pick<HubStats, 'subscriptions'>): BusFlow {
  let backlog = 0;
  let dropped = 0;
  for (const s of hub.subscriptions) {
    backlog += s.backlog;
    for (const n of Object.values(s.dropped)) dropped += n ?? 0;
  }
  return { backlog, dropped };
}

export const LATENCY_SERIES = STAGES.flatMap((s) => [`${s} p50`, `${s} p99`]);
export const FLOW_SERIES = ['backlog', 'drops/s'] as const;

export interface PipelineCharts {
  /** [t, capture p50, capture p99, bus p50, …, end-to-end p99] (ms; null: nothing that second). */
  latency: (number | null)[][];
  /** [t, backlog, drops/s] (null: the hub did not answer). */
  flow: (number | null)[][];
}

export class PipelineSeries {
  private readonly latency: RollingSeries;
  private readonly flow: RollingSeries;
  private last: { at: number; dropped: number } | null = null;

  constructor(length = 120) {
    this.latency = new RollingSeries(LATENCY_SERIES, length);
    this.flow = new RollingSeries(FLOW_SERIES, length);
  }

  /** `window`: the stages' percentiles over the second that ended at `atMs`; `flow` null if unknown. */
  add(atMs: number, window: Record<Stage, Percentiles>, flow: BusFlow | null): void {
    const t = atMs / 1000;
    this.latency.add(
      t,
      STAGES.flatMap((s) => (window[s].count ? [window[s].p50, window[s].p99] : [null, null])),
    );
    let dropsPerSecond: number | null = null;
    if (flow) {
      // A restarted hub counts from zero again: then the drops since are all there is.
      if (this.last && atMs > this.last.at)
        dropsPerSecond =
          (flow.dropped >= this.last.dropped ? flow.dropped - this.last.dropped : flow.dropped) /
          ((atMs - this.last.at) / 1000);
      this.last = { at: atMs, dropped: flow.dropped };
    }
    this.flow.add(t, [flow ? flow.backlog : null, dropsPerSecond]);
  }

  data(): PipelineCharts {
    return { latency: this.latency.data(), flow: this.flow.data() };
  }
}
