// Where the app's spans go: nowhere (spans are still made, for their ids and the dashboard's metrics) or an
// OTLP/HTTP collector, switched while the app runs when the Settings value changes. Switching flushes what the
// old collector still had; a collector that fails is counted and shown, never thrown at the pipeline.
import { localTracer } from '../../telemetry/local-tracer';
import { createOtlpTracing, type ExportStats, type OtlpTracing } from '../../telemetry/otlp';
import type { StageTracer } from '../../telemetry/stage-tracer';

export interface ExportState extends ExportStats {
  /** The collector spans go to, or null when export is off. */
  collector: string | null;
  /** Why the saved collector could not be used (a malformed URL, say); export is off then. */
  problem?: string;
}

export interface CollectorSwitch {
  /** Exports to `url` from now on; null or '' turns export off. Resolves once the old collector is flushed. */
  use(url: string | null): Promise<void>;
  state(): ExportState;
  /** Sends what the current collector has not yet received. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export interface CollectorSwitchOptions {
  serviceName?: string;
  /** Longest a span waits before it is sent (ms). */
  delayMs?: number;
}

export { localTracer };

export function createCollectorSwitch(target: StageTracer, o: CollectorSwitchOptions = {}): CollectorSwitch {
  const local = localTracer();
  let current: { url: string; tracing: OtlpTracing } | null = null;
  let problem: string | undefined;
  /** Switches run one after another, so a quick second change cannot interleave with the first's flush. */
  let queue = Promise.resolve();

  const retire = async (old: OtlpTracing) => {
    // shutdown() flushes first; an unreachable collector must not stop the switch.
    await old.shutdown().catch(() => {});
  };

  async function switchTo(raw: string | null): Promise<void> {
    const url = raw?.trim() || null;
    if (url === (current?.url ?? null) && problem === undefined) return;
    const old = current;
    current = null;
    problem = undefined;
    target.useTracer(local);
    if (old) await retire(old.tracing);
    if (!url) return;
    try {
      const tracing = createOtlpTracing({
        url,
        serviceName: o.serviceName ?? 'sentio',
        ...(o.delayMs !== undefined ? { delayMs: o.delayMs } : {}),
      });
      current = { url, tracing };
      target.useTracer(tracing.tracer);
    } catch (err) {
      problem = `the collector URL ${JSON.stringify(url)} cannot be used: ${(err as Error).message}`;
    }
  }

  target.useTracer(local);
  return {
    use(url) {
      queue = queue.then(() => switchTo(url));
      return queue;
    },
    state: () => ({
      collector: current?.url ?? null,
      ...(current ? current.tracing.stats() : { exportedSpans: 0, failedExports: 0 }),
      ...(problem ? { problem } : {}),
    }),
    flush: () => current?.tracing.flush() ?? Promise.resolve(),
    stop() {
      queue = queue.then(() => switchTo(null));
      return queue;
    },
  };
}
