// The OTLP exporter's transport, through the egress gate: OpenTelemetry serialises the spans, the gate decides
// whether they may leave (consent for `telemetry` on this collector, the collector's clearance), sends them,
// audits every export and aborts one in flight when consent is revoked. The exporter's own HTTP is never used.
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import type { ConsentKey } from '../privacy/consent';
import type { EgressGate, EgressTarget } from '../privacy/egress-gate';

/** The consent telemetry export needs; the endpoint is the collector's URL, as the person typed it. */
export const TELEMETRY_CAPABILITY = 'telemetry';

export function telemetryConsentKey(collectorUrl: string): ConsentKey {
  return { capability: TELEMETRY_CAPABILITY, endpoint: new URL(collectorUrl).href };
}

/**
 * The collector as the gate sees it. Cleared for `private`: the person names this collector and consents to
 * it. Spans of `local` events name nothing but their label (see stage-tracer.ts), so the export is labelled
 * `private`; the gate refuses anything `local` whatever the consent.
 */
export function collectorTarget(collectorUrl: string, headers?: Record<string, string>): EgressTarget {
  const url = new URL(collectorUrl);
  return {
    id: url.href,
    baseUrl: `${url.origin}/`,
    clearance: 'private',
    ...(headers ? { headers } : {}),
  };
}

/** Statuses a collector uses for "try later" (OTLP/HTTP spec): the exporter counts them as failed exports. */
const RETRYABLE = new Set([429, 502, 503, 504]);

export function gateTransport(
  gate: EgressGate,
  collectorUrl: string,
  headers?: Record<string, string>,
): IExporterTransport {
  const url = new URL(collectorUrl);
  const target = collectorTarget(collectorUrl, headers);
  const path = `${url.pathname.slice(1)}${url.search}`;
  return {
    async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
      try {
        const response = await gate.send({
          target,
          capability: TELEMETRY_CAPABILITY,
          what: 'otlp.traces',
          path,
          body: { kind: 'bytes', data, contentType: 'application/json' },
          privacy: 'private',
          signal: AbortSignal.timeout(timeoutMillis),
        });
        const body = new Uint8Array(await response.arrayBuffer());
        if (response.ok) return { status: 'success', data: body };
        const error = new Error(
          `the collector answered HTTP ${response.status} ${response.statusText}`.trim(),
        );
        return RETRYABLE.has(response.status) ? { status: 'retryable', error } : { status: 'failure', error };
      } catch (err) {
        // A refusal (EgressDeniedError: no consent) or a revocation mid-request is final for this batch: the
        // spans are dropped and counted as a failed export, never retried behind the person's back.
        return { status: 'failure', error: err instanceof Error ? err : new Error(String(err)) };
      }
    },
    shutdown() {},
  };
}
