// The app's telemetry: one StageTracer for everything this tab traces (camera → pipelines → agents →
// actions), its metrics always on for the pipeline panel, and OTLP export to the collector saved in
// Settings, switched live when that setting changes (Dexie liveQuery sees writes from any tab) or the person's
// `telemetry` consent for that collector does; every export goes through an egress gate of its own, on the
// router's consent store and audit log (one consent, one audit chain for everything leaving the device).
// `window.sentioApp.telemetry` gives scripts and tests the numbers.
import { liveQuery } from 'dexie';
import {
  type HubStats,
  type AuditLog,
  type ConsentStore,
  createEgressGate,
  type SentioDb,
  WindowedStageMetrics,
  StageTracer,
} from '../../index';
import type { TelemetryGlobal } from '../app-global';
import { OTLP_URL_KEY } from '../settings/settings-panel';
import { createCollectorSwitch, type ExportState } from './collector-switch';
import { createPipelinePanel } from './pipeline-panel';
import { busFlow, type BusFlow } from './pipeline-series';

/** The app's tracer and its metrics: made before Sentio, which traces with it (`createSentio({ tracer })`). */
export interface AppTracer {
  readonly tracer: StageTracer;
  readonly metrics: WindowedStageMetrics;
}

export function createAppTracer(): AppTracer {
  const metrics = new WindowedStageMetrics();
  // One clock for every stage and event time stamp of this tab: capture instants are timeOrigin-based, and
  // Date.now() drifts from that by milliseconds, which is the size of the stages measured.
  const clock = { now: () => performance.timeOrigin + performance.now() };
  return { tracer: new StageTracer({ metrics, clock }), metrics };
}

export interface AppTelemetry {
  /** Give it to what should be traced (perception, the agent host). */
  readonly tracer: StageTracer;
  readonly panel: HTMLElement;
  /** `sentioApp.telemetry`. */
  readonly api: TelemetryGlobal;
  /** Feed it the hub's stats as sampled elsewhere (the bus panel): the backlog and drops charted. */
  onHubStats(stats: HubStats | Error): void;
  stop(): Promise<void>;
}

export interface AppTelemetryOptions {
  db: SentioDb;
  /** The tracer Sentio was created with (see createAppTracer). */
  traced: AppTracer;
  /** How often the panel samples (ms). Default 1000. */
  intervalMs?: number;
  /** Longest a span waits before it is exported (ms). Default 1000. */
  exportDelayMs?: number;
  /** The consent and audit log export answers to (Sentio's `privacy`). */
  privacy: { consent: ConsentStore; audit: AuditLog };
}

export function startTelemetry(o: AppTelemetryOptions): AppTelemetry {
  const { tracer, metrics } = o.traced;
  const collectors = createCollectorSwitch(tracer, {
    serviceName: 'sentio-app',
    delayMs: o.exportDelayMs ?? 1000,
    egress: { gate: createEgressGate(o.privacy), consent: o.privacy.consent },
  });
  let settingsProblem: string | null = null;
  const watch = liveQuery(() => o.db.settings.get(OTLP_URL_KEY)).subscribe({
    next: (row) => {
      settingsProblem = null;
      void collectors.use(typeof row?.value === 'string' ? row.value : null);
    },
    error: (err: Error) => (settingsProblem = `the collector setting could not be read: ${err.message}`),
  });
  const exportStats = (): ExportState => {
    const s = collectors.state();
    return settingsProblem && !s.problem ? { ...s, problem: settingsProblem } : s;
  };
  let flow: BusFlow | Error = new Error('no stats from the hub yet');
  const panel = createPipelinePanel(
    {
      roll: () => metrics.roll(),
      summary: () => metrics.summary(),
      exportState: exportStats,
      busFlow: () => flow,
    },
    o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {},
  );
  const api: TelemetryGlobal = {
    summary: () => metrics.summary(),
    exportStats,
    charts: () => panel.series.data(),
    flush: () => collectors.flush(),
  };
  return {
    tracer,
    panel: panel.element,
    api,
    onHubStats: (stats) => (flow = stats instanceof Error ? stats : busFlow(stats)),
    async stop() {
      watch.unsubscribe();
      panel.stop();
      await collectors.stop();
    },
  };
}
