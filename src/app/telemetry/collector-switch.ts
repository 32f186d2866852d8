// Where the app's spans go: nowhere (spans are still made, for their ids and the dashboard's metrics) or an
// OTLP/HTTP collector, switched while the app runs when the Settings value or the person's consent changes.
// Export runs only while `telemetry` consent for that collector is granted, and every export still asks the
// egress gate (which audits it); revoking switches back to the local tracer at once. Switching flushes what
// the old collector still had (through the gate: after a revocation it is refused, not sent); a collector
// that fails is counted and shown, never thrown at the pipeline.
import {
  type ConsentStore,
  type EgressGate,
  TELEMETRY_CAPABILITY,
  telemetryConsentKey,
  localTracer,
  createOtlpTracing,
  type ExportStats,
  type OtlpTracing,
  type StageTracer,
} from '../../index';

export interface ExportState extends ExportStats {
  /** The collector spans go to, or null when export is off. */
  collector: string | null;
  /** The collector set in Settings that waits for the person's consent (export is off meanwhile). */
  awaitingConsent?: string;
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
  /** What every export goes through, and the consent it needs. Without them export stays off. */
  egress?: { gate: EgressGate; consent: ConsentStore };
}

export { localTracer };

export function createCollectorSwitch(target: StageTracer, o: CollectorSwitchOptions = {}): CollectorSwitch {
  const local = localTracer(target.ids);
  let current: { url: string; tracing: OtlpTracing } | null = null;
  /** The collector the setting names (trimmed), whether or not consent allows export to it. */
  let wanted: string | null = null;
  let awaiting: string | undefined;
  let problem: string | undefined;
  /** Switches run one after another, so a quick second change cannot interleave with the first's flush. */
  let queue = Promise.resolve();

  const retire = async (old: OtlpTracing) => {
    // shutdown() flushes first; an unreachable collector must not stop the switch.
    await old.shutdown().catch(() => {});
  };

  /** The collector export may go to now: the one wanted, if the person consented to it. */
  function allowed(url: string): boolean {
    return o.egress?.consent.isGranted(telemetryConsentKey(url)) ?? false;
  }

  async function apply(): Promise<void> {
    const url = wanted;
    problem = awaiting = undefined;
    if (url) {
      try {
        telemetryConsentKey(url); // a malformed URL is named here, before any consent question
      } catch (err) {
        problem = `the collector URL ${JSON.stringify(url)} cannot be used: ${(err as Error).message}`;
      }
    }
    if (url && !problem && !o.egress)
      problem = 'telemetry export needs the consent store and the egress gate, which did not start';
    const next = url && !problem && allowed(url) ? url : null;
    if (url && !problem && !next) awaiting = url;
    if (next === (current?.url ?? null)) return;
    const old = current;
    current = null;
    target.useTracer(local);
    if (old) await retire(old.tracing);
    if (!next || !o.egress) return;
    const tracing = createOtlpTracing({
      url: next,
      gate: o.egress.gate,
      serviceName: o.serviceName ?? 'sentio',
      idGenerator: target.ids,
      ...(o.delayMs !== undefined ? { delayMs: o.delayMs } : {}),
    });
    current = { url: next, tracing };
    target.useTracer(tracing.tracer);
  }

  function enqueue(): Promise<void> {
    queue = queue.then(apply);
    return queue;
  }

  const detach = o.egress?.consent.onChange((key, granted) => {
    if (key.capability !== TELEMETRY_CAPABILITY) return;
    // A revocation stops spans going to that exporter now, before the queue gets to retiring it.
    if (!granted && current && !allowed(current.url)) target.useTracer(local);
    void enqueue();
  });

  target.useTracer(local);
  return {
    use(url) {
      wanted = url?.trim() || null;
      return enqueue();
    },
    state: () => ({
      collector: current?.url ?? null,
      ...(current ? current.tracing.stats() : { exportedSpans: 0, failedExports: 0 }),
      ...(awaiting ? { awaitingConsent: awaiting } : {}),
      ...(problem ? { problem } : {}),
    }),
    flush: () => current?.tracing.flush() ?? Promise.resolve(),
    stop() {
      detach?.();
      wanted = null;
      return enqueue();
    },
  };
}
