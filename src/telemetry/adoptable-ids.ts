// Span ids that can be chosen ahead. A stage that ran in another thread (perception in the inference worker)
// stamped its events with a span id of its own making; the page's tracer then records that stage under the
// same id, so the events link to the span that is exported. Every other span gets a random id as usual.
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export class AdoptableIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private next: { traceId: string; spanId: string } | null = null;

  /** Asked only for a span without a parent (a new trace). */
  generateTraceId(): string {
    return this.next?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.next?.spanId ?? this.random.generateSpanId();
  }

  /** Runs `start` (which starts one span) with these ids for that span (the trace id if it starts one). */
  adopt<T>(ids: { traceId: string; spanId: string }, start: () => T): T {
    this.next = ids;
    try {
      return start();
    } finally {
      this.next = null;
    }
  }
}
