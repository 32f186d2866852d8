// Trace context on events (SentioEvent.trace) in W3C / OpenTelemetry form: a 32-hex trace id shared by
// everything one camera frame causes, and a 16-hex span id naming the stage that produced the event.
import { TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { TraceContext } from '../events/event';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** True when `t` can link to OpenTelemetry spans (events from elsewhere may carry other id formats). */
export function isW3cTraceContext(t: TraceContext | undefined): t is TraceContext {
  return (
    t !== undefined &&
    TRACE_ID.test(t.traceId) &&
    SPAN_ID.test(t.spanId) &&
    t.traceId !== ZERO_TRACE &&
    t.spanId !== ZERO_SPAN
  );
}

/** The remote parent an OpenTelemetry span continues from. */
export function toSpanContext(t: TraceContext): SpanContext {
  return { traceId: t.traceId, spanId: t.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

/** What an event published by a stage carries: the stage's own span, and the span it continued. */
export function fromSpanContext(own: SpanContext, parent?: TraceContext): TraceContext {
  return parent
    ? { traceId: own.traceId, spanId: own.spanId, parentId: parent.spanId }
    : { traceId: own.traceId, spanId: own.spanId };
}
