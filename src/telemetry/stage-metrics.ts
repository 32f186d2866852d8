// Latency per pipeline stage (DESIGN.md, Telemetry): one histogram per stage, so the dashboard can show
// p50/p99 of capture, bus, inference, agent, action and end to end.
import { LatencyHistogram, type Percentiles } from './histogram';

export const STAGES = ['capture', 'bus', 'inference', 'agent', 'action', 'end-to-end'] as const;
export type Stage = (typeof STAGES)[number];

export class StageMetrics {
  private readonly histograms = new Map<Stage, LatencyHistogram>(
    STAGES.map((s) => [s, new LatencyHistogram()]),
  );

  record(stage: Stage, ms: number): void {
    this.histograms.get(stage)!.record(ms);
  }

  summary(): Record<Stage, Percentiles> {
    return Object.fromEntries(STAGES.map((s) => [s, this.histograms.get(s)!.summary()])) as Record<
      Stage,
      Percentiles
    >;
  }

  reset(): void {
    for (const h of this.histograms.values()) h.reset();
  }
}

/**
 * Stage metrics since start, plus a window that `roll()` closes: the dashboard charts p50/p99 per window (a
 * percentile since start barely moves after a minute, and would hide a stage getting slow now).
 */
export class WindowedStageMetrics extends StageMetrics {
  private readonly window = new StageMetrics();

  override record(stage: Stage, ms: number): void {
    super.record(stage, ms);
    this.window.record(stage, ms);
  }

  /** The percentiles of what was recorded since the last roll; starts the next window. */
  roll(): Record<Stage, Percentiles> {
    const s = this.window.summary();
    this.window.reset();
    return s;
  }

  override reset(): void {
    super.reset();
    this.window.reset();
  }
}
