// The tracer used when no collector is configured.
import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, type IdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * A tracer that makes real spans (ids, parent links) and sends them nowhere. Give it the StageTracer's `ids`
 * so stages recorded from other threads keep their span ids.
 */
export function localTracer(idGenerator?: IdGenerator): Tracer {
  return new BasicTracerProvider(idGenerator ? { idGenerator } : {}).getTracer('sentio');
}
