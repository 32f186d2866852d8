// Bus stats: latency p50/p99 and event rate over time (uPlot), the hub's subscriptions with their backlog
// and drops, the busiest topics, and the event log. Sampled once a second.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ConnectedBus, HubStats } from '../../index';
import { el, section } from '../dom';
import { fmtMs, renderTable } from './format';
import { RollingSeries } from './rolling-series';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';

export const CHART_COLOURS = { p50: '#2a9d8f', p99: '#e76f51', rate: '#fca311' } as const;

function sum(o: Partial<Record<string, number>>): number {
  return Object.values(o).reduce<number>((a, b) => a + (b ?? 0), 0);
}

export interface StatsPanelOptions {
  intervalMs?: number;
  /**
   * Told every sample of the hub's stats (or why there is none). Others should take the hub's stats from here
   * rather than ask the hub too: its topic rates are counted from the previous stats request, whoever made it.
   */
  onHubStats?: (stats: HubStats | Error) => void;
  scheduler?: RenderScheduler;
}

export function createStatsPanel(bus: ConnectedBus, options: StatsPanelOptions = {}): HTMLElement {
  const series = new RollingSeries(['p50', 'p99', 'rate'], 120);
  const summary = el('p', { className: 'summary', testId: 'bus-summary', text: 'Collecting…' });
  const chartBox = el('div', { className: 'chart', testId: 'bus-chart' });
  const subs = el('div', { testId: 'bus-subscriptions' });
  const topics = el('div', { testId: 'bus-topics' });
  const logLine = el('p', { className: 'summary', testId: 'bus-log' });
  const panel = section(
    'Bus',
    'bus-stats',
    summary,
    chartBox,
    el('h3', { text: 'Subscriptions' }),
    subs,
    el('h3', { text: 'Topics' }),
    topics,
    logLine,
  );

  let chart: uPlot | undefined;
  const chartSize = () => ({ width: Math.max(240, chartBox.clientWidth || 480), height: 180 });
  const ensureChart = () => {
    if (chart || !chartBox.isConnected) return;
    chart = new uPlot(
      {
        ...chartSize(),
        legend: { show: true },
        scales: { x: { time: true }, ms: { auto: true }, rate: { auto: true } },
        axes: [
          {},
          { scale: 'ms', label: 'ms' },
          { scale: 'rate', side: 1, label: 'events/s', grid: { show: false } },
        ],
        series: [
          {},
          { label: 'latency p50', scale: 'ms', stroke: CHART_COLOURS.p50, width: 2 },
          { label: 'latency p99', scale: 'ms', stroke: CHART_COLOURS.p99, width: 2 },
          { label: 'events/s', scale: 'rate', stroke: CHART_COLOURS.rate, width: 3 },
        ],
      },
      series.data() as uPlot.AlignedData,
      chartBox,
    );
    new ResizeObserver(() => chart?.setSize(chartSize())).observe(chartBox);
  };

  // Sampling goes on whether or not the panel is seen (others take the hub's stats from here); drawing
  // happens through the render scheduler, only while the panel is on screen.
  let latest: {
    local: ReturnType<ConnectedBus['stats']>;
    hub?: HubStats;
    error?: Error;
    rates: Record<string, number>;
  } | null = null;
  const sample = async () => {
    const local = bus.stats();
    let hub: HubStats | undefined;
    let error: Error | undefined;
    try {
      hub = await bus.hub.request('stats', {});
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      options.onHubStats?.(error);
    }
    if (hub) options.onHubStats?.(hub);
    // This thread's own publishes may never reach the hub (no one elsewhere listens), and the hub sees
    // other threads': show, per topic, whichever saw more.
    const rates: Record<string, number> = { ...local.topicRates };
    for (const [t, r] of Object.entries(hub?.topicRates ?? {})) rates[t] = Math.max(rates[t] ?? 0, r);
    series.add(Date.now() / 1000, [local.latency.p50, local.latency.p99, sum(rates)]);
    latest = { local, rates, ...(hub ? { hub } : {}), ...(error ? { error } : {}) };
    view.invalidate();
  };

  const render = () => {
    if (!latest) return;
    const { local, hub, error, rates } = latest;
    if (error) summary.textContent = `Hub stats unavailable: ${error.message}`;
    const rate = sum(rates);
    ensureChart();
    chart?.setData(series.data() as uPlot.AlignedData);
    if (!error) {
      // No event from another thread handled here yet: a percentile of nothing is not "0 µs".
      const l = local.latency;
      const [p50, p99] = l.count ? [fmtMs(l.p50), fmtMs(l.p99)] : ['—', '—'];
      summary.textContent =
        `${rate.toFixed(1)} events/s · latency p50 ${p50}, p99 ${p99} ` +
        `(${l.count} from other threads handled here) · ${local.rejected} rejected`;
    }
    if (!hub) return;
    renderTable(
      subs,
      ['pattern', 'client', 'policy', 'delivered', 'latency p50 / p99', 'backlog', 'dropped'],
      hub.subscriptions.map((s) => [
        s.durable ? `${s.pattern} (${s.durable})` : s.pattern,
        hub.clients.find((c) => c.id === s.client)?.name ?? s.client,
        s.policy.kind + (s.lane ? ', lane' : ''),
        // Counted by the subscriber where its handler got them (lanes and its own thread bypass the hub).
        String(s.delivered),
        s.latency?.count ? `${fmtMs(s.latency.p50)} / ${fmtMs(s.latency.p99)}` : '—',
        String(s.backlog),
        String(sum(s.dropped)),
      ]),
      'subscriptions-table',
    );
    const busiest = Object.entries(rates)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10);
    renderTable(
      topics,
      ['topic', 'events/s'],
      busiest.map(([t, r]) => [t, r.toFixed(1)]),
      'topics-table',
    );
    logLine.textContent = `Event log: ${hub.log.events} events, ${(hub.log.bytes / 1024).toFixed(0)} KiB, ${hub.log.compactions} compactions, ${hub.log.notLogged} not logged.`;
  };

  const view = (options.scheduler ?? sharedRenderScheduler()).register(panel, render, { name: 'bus-stats' });

  let busy = false;
  setInterval(() => {
    if (busy) return;
    busy = true;
    void sample().finally(() => (busy = false));
  }, options.intervalMs ?? 1000);
  return panel;
}
