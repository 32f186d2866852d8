// The app's globals, for scripting and tests from the console. `window.sentio` is the app's Sentio object,
// exactly as `createSentio` returned it (the same front door a third-party page or an npm project uses);
// what only this app has — the session recorder, the live panel's running perception, the telemetry panel's
// numbers, render counts — is `window.sentioApp`, apart from it.
import type { PerceptionHandle, Percentiles, Sentio, Stage } from '../index';
import type { ReplayOptions, ReplayReport, SessionRecorder } from './replay/session-replay';
import type { ExportState } from './telemetry/collector-switch';
import type { PipelineCharts } from './telemetry/pipeline-series';

/** `sentioApp.telemetry`: what the pipeline panel measures and where its spans go. */
export interface TelemetryGlobal {
  /** Per-stage latency since start. */
  summary(): Record<Stage, Percentiles>;
  /** Where spans go and how that went. */
  exportStats(): ExportState;
  /** What the pipeline charts draw. */
  charts(): PipelineCharts;
  /** Sends what the collector has not yet received (resolves even when it fails: see exportStats). */
  flush(): Promise<void>;
}

/** `window.sentioApp`: the app's own parts, beside its Sentio object. */
export interface SentioApp {
  recorder: SessionRecorder;
  replay(jsonl: string, options?: ReplayOptions): Promise<ReplayReport>;
  /** How often each panel has rendered (see render-scheduler.ts): panels off screen stay still. */
  renders(): Record<string, number>;
  telemetry: TelemetryGlobal;
  /** The running (or last) live perception, started from the Live panel; absent until the first Start. */
  perception?: PerceptionHandle;
}

declare global {
  interface Window {
    /** The app's Sentio object (set once it has started). */
    sentio?: Sentio;
    /** The app's own parts (set with `sentio`). */
    sentioApp?: SentioApp;
  }
}
