// The pipeline panel: per-stage latency p50/p99 (capture, bus, inference, agent, action, end to end) over
// time on a log scale, the bus's total backlog and drops per second, the numbers of the last second and since
// start as text, and where spans are exported (with failures counted). Sampled once a second.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type Percentiles, STAGES, type Stage } from '../../index';
import { el, section } from '../dom';
import { fmtMs, renderTable } from '../stats/format';
import type { ExportState } from './collector-switch';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';
import { FLOW_SERIES, PipelineSeries, type BusFlow } from './pipeline-series';
import { STAGE_COLOURS } from './stage-colours';

export { STAGE_COLOURS };
export const FLOW_COLOURS = { backlog: '#457b9d', drops: '#e63946' } as const;

export interface PipelineSource {
  /** The stages' percentiles since the last call. */
  roll(): Record<Stage, Percentiles>;
  /** Since start. */
  summary(): Record<Stage, Percentiles>;
  exportState(): ExportState;
  /** The bus's latest backlog and drops, or why they are unknown. */
  busFlow(): BusFlow | Error;
}

/** The log scale cannot show 0: a stage that took no measurable time is drawn at 1 µs. */
const LOG_FLOOR_MS = 0.001;

function latencyChart(box: HTMLElement, size: { width: number; height: number }): uPlot {
  return new uPlot(
    {
      ...size,
      legend: { show: true },
      scales: { x: { time: true }, ms: { distr: 3, log: 10 } },
      axes: [{}, { scale: 'ms', label: 'ms (log)' }],
      series: [
        {},
        ...STAGES.flatMap((s) => [
          { label: `${s} p50`, scale: 'ms', stroke: STAGE_COLOURS[s], width: 2 },
          { label: `${s} p99`, scale: 'ms', stroke: STAGE_COLOURS[s], width: 1, dash: [6, 4] },
        ]),
      ],
    },
    [[]],
    box,
  );
}

function flowChart(box: HTMLElement, size: { width: number; height: number }): uPlot {
  return new uPlot(
    {
      ...size,
      legend: { show: true },
      scales: { x: { time: true }, n: { auto: true }, rate: { auto: true } },
      axes: [
        {},
        { scale: 'n', label: 'backlog' },
        { scale: 'rate', side: 1, label: 'drops/s', grid: { show: false } },
      ],
      series: [
        {},
        { label: FLOW_SERIES[0], scale: 'n', stroke: FLOW_COLOURS.backlog, width: 2 },
        { label: FLOW_SERIES[1], scale: 'rate', stroke: FLOW_COLOURS.drops, width: 2 },
      ],
    },
    [[]],
    box,
  );
}

function exportText(s: ExportState): { text: string; ok: boolean | null } {
  if (s.problem) return { text: `OTLP export is off: ${s.problem}.`, ok: false };
  if (s.awaitingConsent)
    return {
      text: `OTLP export is off: ${s.awaitingConsent} waits for your consent (Settings → Telemetry).`,
      ok: null,
    };
  if (!s.collector) return { text: 'OTLP export is off (set a collector URL in Settings).', ok: null };
  const failed = s.failedExports
    ? `, ${s.failedExports} export${s.failedExports === 1 ? '' : 's'} failed (last: ${s.lastError ?? 'unknown'})`
    : '';
  return {
    text: `OTLP export to ${s.collector}: ${s.exportedSpans} spans sent${failed}.`,
    ok: s.failedExports === 0,
  };
}

const cell = (p: Percentiles, key: 'p50' | 'p99') => (p.count ? fmtMs(p[key]) : '—');

export interface PipelinePanel {
  element: HTMLElement;
  series: PipelineSeries;
  /** Takes one sample now (the panel also does so every interval). */
  sample(): Promise<void>;
  stop(): void;
}

export function createPipelinePanel(
  source: PipelineSource,
  options: { intervalMs?: number; scheduler?: RenderScheduler } = {},
): PipelinePanel {
  const series = new PipelineSeries();
  const latencyBox = el('div', { className: 'chart', testId: 'pipeline-latency-chart' });
  const flowBox = el('div', { className: 'chart', testId: 'pipeline-flow-chart' });
  const stages = el('div', { testId: 'pipeline-stages' });
  const flowLine = el('p', { className: 'summary', testId: 'pipeline-flow', text: 'Collecting…' });
  const exportLine = el('p', { className: 'summary', testId: 'otlp-export-status' });
  const element = section(
    'Pipeline latency',
    'pipeline',
    el('p', {
      className: 'summary',
      text: 'Per stage, each second: p50 (solid) and p99 (dashed), from camera frame to action.',
    }),
    latencyBox,
    stages,
    el('h3', { text: 'Backlog and drops' }),
    flowBox,
    flowLine,
    exportLine,
  );

  let charts: { latency: uPlot; flow: uPlot } | null = null;
  const size = (box: HTMLElement) => ({ width: Math.max(240, box.clientWidth || 480), height: 200 });
  const draw = () => {
    if (!charts && latencyBox.isConnected) {
      charts = {
        latency: latencyChart(latencyBox, size(latencyBox)),
        flow: flowChart(flowBox, size(flowBox)),
      };
      new ResizeObserver(() => {
        charts?.latency.setSize(size(latencyBox));
        charts?.flow.setSize(size(flowBox));
      }).observe(latencyBox);
    }
    if (!charts) return;
    const { latency, flow } = series.data();
    const [t, ...ys] = latency;
    charts.latency.setData([
      t!,
      ...ys.map((c) => c.map((v) => (v === null ? null : Math.max(v, LOG_FLOOR_MS)))),
    ] as uPlot.AlignedData);
    charts.flow.setData(flow as uPlot.AlignedData);
  };

  // Sampled every interval whether seen or not (the series is the record); drawn through the render
  // scheduler, only while the panel is on screen.
  let latest: { window: Record<Stage, Percentiles>; known: BusFlow | Error } | null = null;
  const sample = async () => {
    const window = source.roll();
    const known = source.busFlow();
    series.add(Date.now(), window, known instanceof Error ? null : known);
    latest = { window, known };
    view.invalidate();
  };
  const render = () => {
    if (!latest) return;
    const { window, known } = latest;
    const flow = known instanceof Error ? null : known;
    draw();
    const total = source.summary();
    renderTable(
      stages,
      ['stage', 'p50 (1 s)', 'p99 (1 s)', 'p50 (all)', 'p99 (all)', 'count'],
      STAGES.map((s) => [
        s,
        cell(window[s], 'p50'),
        cell(window[s], 'p99'),
        cell(total[s], 'p50'),
        cell(total[s], 'p99'),
        String(total[s].count),
      ]),
      'pipeline-stages-table',
    );
    const last = series.data().flow;
    const drops = last[2]!.at(-1);
    flowLine.textContent = flow
      ? `Backlog ${flow.backlog} events · ${flow.dropped} dropped since the hub started${drops != null ? ` (${drops.toFixed(1)}/s now)` : ''}.`
      : `Backlog and drops unavailable: ${(known as Error).message}`;
    const exp = exportText(source.exportState());
    exportLine.textContent = exp.text;
    exportLine.className = `summary ${exp.ok === null ? 'info' : exp.ok ? 'ok' : 'missing'}`;
  };

  const view = (options.scheduler ?? sharedRenderScheduler()).register(element, render, { name: 'pipeline' });
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void sample().finally(() => (busy = false));
  }, options.intervalMs ?? 1000);
  return { element, series, sample, stop: () => clearInterval(timer) };
}
