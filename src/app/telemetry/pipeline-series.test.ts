import { describe, expect, it } from 'vitest';
import { type HubSubscriptionStats, StageMetrics } from '../../index';
import { busFlow, LATENCY_SERIES, PipelineSeries } from './pipeline-series';

const sub = (backlog: number, dropped: HubSubscriptionStats['dropped']) =>
  ({ backlog, dropped }) as HubSubscriptionStats;

describe('pipeline series', () => {
  it('sums backlog and drops of every subscription', () => {
    expect(
      busFlow({ subscriptions: [sub(3, { latest: 2 }), sub(4, { latest: 1, sampled: 5 }), sub(0, {})] }),
    ).toEqual({ backlog: 7, dropped: 8 });
  });

  it('charts p50/p99 per stage per second, with gaps where a stage ran nothing', () => {
    const s = new PipelineSeries();
    const m = new StageMetrics();
    m.record('capture', 2);
    m.record('inference', 100);
    m.record('inference', 300);
    s.add(10_000, m.summary(), { backlog: 1, dropped: 0 });
    const { latency } = s.data();
    expect(latency).toHaveLength(1 + LATENCY_SERIES.length);
    const col = (name: string) => latency[1 + LATENCY_SERIES.indexOf(name)]![0];
    expect(latency[0]).toEqual([10]);
    expect(col('capture p50')).toBe(2);
    expect(col('inference p50')).toBeCloseTo(100, -1);
    expect(col('inference p99')).toBe(300);
    expect(col('agent p50')).toBeNull();
    expect(col('end-to-end p99')).toBeNull();
  });

  it('turns the hub drop counter into drops per second, across a hub restart and a missing sample', () => {
    const s = new PipelineSeries();
    const none = new StageMetrics().summary();
    s.add(0, none, { backlog: 0, dropped: 10 });
    s.add(2000, none, { backlog: 5, dropped: 30 });
    s.add(3000, none, null);
    s.add(4000, none, { backlog: 2, dropped: 4 }); // restarted: 4 since
    expect(s.data().flow).toEqual([
      [0, 2, 3, 4],
      [0, 5, null, 2],
      [null, 10, null, 2],
    ]);
  });
});
