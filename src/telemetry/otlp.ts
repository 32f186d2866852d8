// OTLP/HTTP export of Sentio's spans to any OpenTelemetry collector, with the OpenTelemetry JS SDK: its batching,
// its OTLP JSON serialisation, and our transport, which sends through the egress gate (gate-transport.ts).
// Nothing is registered globally: the caller gets a tracer and passes it where it is needed.
import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  createOtlpNetworkExportDelegate,
  ExporterMetrics,
  OTLPExporterBase,
} from '@opentelemetry/otlp-exporter-base';
import { JsonTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { EgressGate } from '../privacy/egress-gate';
import { gateTransport } from './gate-transport';

export interface OtlpTracingOptions {
  /** The collector's traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
  /** Every export asks it: consent for `telemetry` on this collector; allowed or not, it is audited. */
  gate: EgressGate;
  headers?: Record<string, string>;
  serviceName?: string;
  /** Spans are sent in batches: at most this many, at least this often (ms). */
  maxBatch?: number;
  delayMs?: number;
  /**
   * Where span ids come from; give it the StageTracer's `ids` so stages recorded from other threads (the
   * inference worker's perception) are exported under the span ids their events carry. Default: random.
   */
  idGenerator?: IdGenerator;
}

export interface ExportStats {
  exportedSpans: number;
  failedExports: number;
  lastError?: string;
}

export interface OtlpTracing {
  readonly tracer: Tracer;
  stats(): ExportStats;
  /** Sends everything recorded so far. Resolves even when the collector fails: see `stats()`. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Counts what the exporter sent and what failed: a collector that is down must be visible, not silent. */
function countingExporter(inner: SpanExporter, stats: ExportStats): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) stats.exportedSpans += spans.length;
        else {
          stats.failedExports++;
          stats.lastError = result.error?.message ?? 'export failed';
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

export function createOtlpTracing(options: OtlpTracingOptions): OtlpTracing {
  const url = new URL(options.url); // a malformed endpoint fails here, by name, not at the first export
  const stats: ExportStats = { exportedSpans: 0, failedExports: 0 };
  const delegate = createOtlpNetworkExportDelegate(
    { timeoutMillis: 10_000, concurrencyLimit: 30, compression: 'none' },
    JsonTraceSerializer,
    new ExporterMetrics({
      componentType: 'otlp_http_span_exporter',
      metricsHelper: TraceExporterMetricsHelper,
      url: url.href,
      meterProvider: undefined, // no self-observability metrics: nothing is registered globally
      responseAttributesFromError: () => ({}),
    }),
    gateTransport(options.gate, url.href, options.headers),
  );
  const exporter = countingExporter(new OTLPExporterBase(delegate), stats);
  const provider = new BasicTracerProvider({
    ...(options.idGenerator ? { idGenerator: options.idGenerator } : {}),
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'sentio' }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxExportBatchSize: options.maxBatch ?? 256,
        scheduledDelayMillis: options.delayMs ?? 2000,
      }),
    ],
  });
  return {
    tracer: provider.getTracer('sentio'),
    stats: () => ({ ...stats }),
    // Export failures (collector down, HTTP 5xx) are counted in stats by countingExporter; rejecting here
    // too would make telemetry a reason for the caller to fail.
    flush: () => provider.forceFlush().catch(() => {}),
    shutdown: () => provider.shutdown(),
  };
}
