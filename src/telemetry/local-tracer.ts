// The tracer used when no collector is configured.
import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/** A tracer that makes real spans (ids, parent links) and sends them nowhere. */
export function localTracer(): Tracer {
  return new BasicTracerProvider().getTracer('sentio');
}
