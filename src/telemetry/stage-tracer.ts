// Per-stage spans linked through the events themselves: a stage continues the trace of the event that
// caused it (event.trace is the carrier, like a traceparent header) and stamps what it publishes with its
// own span, so a camera frame can be followed through bus hops, inference and agents to the action.
// Span attributes name the event (topic, type, source, id, privacy label), never its payload: telemetry
// leaves the device, payloads may be `local`.
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { AdoptableIds } from './adoptable-ids';
import { localTracer } from './local-tracer';
import type { SentioEvent, TraceContext } from '../events/event';
import type { Clock } from '../platform/clock';
import type { Handler } from '../bus/types';
import { fromSpanContext, isW3cTraceContext, toSpanContext } from './trace-context';
import { StageMetrics, type Stage } from './stage-metrics';

export interface StageTracerOptions {
  /** Where spans go. Default: a local tracer (real spans, sent nowhere) on this tracer's `ids`. */
  tracer?: Tracer;
  metrics?: StageMetrics;
  clock?: Pick<Clock, 'now'>;
  /** How many traces to remember the start of, for end-to-end latency. */
  maxOpenTraces?: number;
  /**
   * Name `local` events in spans (topic, type, source, id) as other events are. Off by default: spans may
   * leave the device, and which sensor event happened when is itself local data. Only the person turns it on.
   */
  revealLocalEvents?: boolean;
}

export interface StageRun {
  /** Put this on every event the stage publishes. */
  trace: TraceContext;
}

/** A stage begun and not yet ended: for stages whose end is seen elsewhere (an agent's commit, say). */
export interface OpenStage extends StageRun {
  /** Ends the span (with an error status when `error` is given) and records the stage's latency. */
  end(error?: unknown): void;
}

/** What a traced stage needs: the page's StageTracer, or a worker's relay of stages to it (stage-relay.ts). */
export interface StageBeginner {
  begin(stage: Stage, name: string, parent: TraceContext | undefined, options?: BeginOptions): OpenStage;
}

/** A stage that ran in another thread, with the span id its events already carry (see StageTracer.record). */
export interface StageRecord {
  stage: Stage;
  name: string;
  /** The stage's own span; `parentId` names the span it continued (same trace). */
  trace: TraceContext;
  /** When it began and ended, ms on the epoch clock (performance.timeOrigin + performance.now()). */
  start: number;
  end: number;
  /** The error's message when the stage failed. */
  error?: string;
  final?: boolean;
  attributes?: Attributes;
}

export interface BeginOptions {
  /** When the stage really began (ms, the tracer's clock), e.g. a frame's capture instant. Default: now. */
  startTime?: number;
  /** Ends the chain: end-to-end latency is recorded when this stage ends. */
  final?: boolean;
  attributes?: Attributes;
}

/**
 * Names an event in span attributes: which event, never what it carries. A `local` event is only said to be
 * local (its topic, type, source and id are derived from the sensor data), unless `revealLocal`.
 */
export function eventAttributes(e: SentioEvent, revealLocal = false): Attributes {
  if (e.privacy === 'local' && !revealLocal) return { 'sentio.event.privacy': 'local' };
  return {
    'sentio.event.id': e.id,
    'sentio.event.topic': e.topic,
    'sentio.event.type': e.type,
    'sentio.event.source': e.source,
    'sentio.event.privacy': e.privacy,
  };
}

export class StageTracer implements StageBeginner {
  readonly metrics: StageMetrics;
  /**
   * The span ids of this tracer's providers: give them to any tracer passed to `useTracer` (localTracer,
   * createOtlpTracing's idGenerator) so that `record` keeps the span ids of stages run in other threads.
   */
  readonly ids = new AdoptableIds();
  private tracer: Tracer;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly traceStarts = new Map<string, number>();
  /** When recent stages ended, by span id: where the bus hops of what they published start. */
  private readonly endedAt = new Map<string, number>();
  private readonly maxOpenTraces: number;
  /** See StageTracerOptions.revealLocalEvents. */
  revealLocalEvents: boolean;

  constructor(options: StageTracerOptions = {}) {
    this.tracer = options.tracer ?? localTracer(this.ids);
    this.metrics = options.metrics ?? new StageMetrics();
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxOpenTraces = options.maxOpenTraces ?? 1024;
    this.revealLocalEvents = options.revealLocalEvents ?? false;
  }

  /** Sends later spans to another tracer (an exporter switched on or off); metrics go on unchanged. */
  useTracer(tracer: Tracer): void {
    this.tracer = tracer;
  }

  now(): number {
    return this.clock.now();
  }

  /**
   * Begins one stage. With a W3C `parent` it continues that trace; without (a sensor capturing) it starts
   * one. End it exactly once.
   */
  begin(stage: Stage, name: string, parent: TraceContext | undefined, options: BeginOptions = {}): OpenStage {
    const from = isW3cTraceContext(parent) ? parent : undefined;
    const ctx = from ? trace.setSpanContext(ROOT_CONTEXT, toSpanContext(from)) : ROOT_CONTEXT;
    const start = options.startTime ?? this.clock.now();
    const span = this.tracer.startSpan(
      `${stage} ${name}`,
      { startTime: start, attributes: { 'sentio.stage': stage, ...options.attributes } },
      ctx,
    );
    const own = span.spanContext();
    if (!from) this.rememberStart(own.traceId, start);
    let ended = false;
    return {
      trace: fromSpanContext(own, from),
      end: (error?: unknown) => {
        if (ended) return;
        ended = true;
        this.finish(span, stage, start, Math.max(start, this.clock.now()), error, options.final);
      },
    };
  }

  /**
   * Records a stage that ran in another thread and already stamped its events with `r.trace`: the span is
   * made under the same ids (when the tracer's provider uses `ids`; another provider's span gets ids of its own,
   * so only the events' links to it are lost), and its latency counts like any other stage's.
   */
  record(r: StageRecord): void {
    const parent = r.trace.parentId ? { traceId: r.trace.traceId, spanId: r.trace.parentId } : undefined;
    const from = isW3cTraceContext(parent) ? parent : undefined;
    const ctx = from ? trace.setSpanContext(ROOT_CONTEXT, toSpanContext(from)) : ROOT_CONTEXT;
    const span = this.ids.adopt(r.trace, () =>
      this.tracer.startSpan(
        `${r.stage} ${r.name}`,
        { startTime: r.start, attributes: { 'sentio.stage': r.stage, ...r.attributes } },
        ctx,
      ),
    );
    if (!from) this.rememberStart(span.spanContext().traceId, r.start);
    this.finish(
      span,
      r.stage,
      r.start,
      Math.max(r.start, r.end),
      r.error === undefined ? undefined : new Error(r.error),
      r.final,
    );
  }

  private finish(
    span: Span,
    stage: Stage,
    start: number,
    end: number,
    error: unknown,
    final?: boolean,
  ): void {
    if (error !== undefined) {
      const e = error instanceof Error ? error : new Error(String(error));
      span.recordException(e);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
    }
    span.end(end);
    this.metrics.record(stage, end - start);
    const own = span.spanContext();
    this.remember(this.endedAt, own.spanId, end);
    if (final) this.finishTrace(own.traceId, end);
  }

  /**
   * Runs one stage. With `cause` it continues that event's trace; without (a sensor capturing) it starts
   * one. `final` marks the stage that ends the chain (an action): end-to-end latency is recorded there.
   */
  async run<T>(
    stage: Stage,
    name: string,
    cause: SentioEvent | undefined,
    fn: (run: StageRun) => T | Promise<T>,
    options: { final?: boolean; attributes?: Attributes } = {},
  ): Promise<T> {
    const open = this.begin(stage, name, cause?.trace, {
      ...(options.final ? { final: true } : {}),
      attributes: { ...(cause ? eventAttributes(cause, this.revealLocalEvents) : {}), ...options.attributes },
    });
    try {
      const result = await fn({ trace: open.trace });
      open.end();
      return result;
    } catch (err) {
      open.end(err ?? new Error('stage failed'));
      throw err;
    }
  }

  /** The hop through the bus, from the event's time stamp to its handler starting; returns that span. */
  busHop(event: SentioEvent, deliveredAt = this.clock.now()): SentioEvent {
    if (!isW3cTraceContext(event.trace)) return event;
    const parent = event.trace;
    // The hop starts where the publishing stage ended when this tracer saw it end: an event's ts is when its
    // content happened (a face event carries its frame's capture instant), which would count the capture and
    // the model as bus time. A stage traced elsewhere (another tab) leaves only ts to go by.
    const start = Math.min(this.endedAt.get(parent.spanId) ?? event.ts, deliveredAt);
    const hidden = event.privacy === 'local' && !this.revealLocalEvents;
    const span = this.tracer.startSpan(
      `bus ${hidden ? '(local event)' : event.topic}`,
      {
        startTime: start,
        attributes: { 'sentio.stage': 'bus', ...eventAttributes(event, this.revealLocalEvents) },
      },
      trace.setSpanContext(ROOT_CONTEXT, toSpanContext(parent)),
    );
    span.end(deliveredAt);
    this.metrics.record('bus', deliveredAt - start);
    // The consumer continues from the hop, so the chain reads capture → bus → inference → bus → …
    return { ...event, trace: fromSpanContext(span.spanContext(), parent) };
  }

  /** Wraps a bus handler as a traced stage: the bus hop, then the stage, with the trace for its publishes. */
  handler<P>(
    stage: Stage,
    name: string,
    fn: (event: SentioEvent<P>, run: StageRun) => void | Promise<void>,
    options: { final?: boolean } = {},
  ): Handler<P> {
    return async (event) => {
      const hop = this.busHop(event) as SentioEvent<P>;
      await this.run(stage, name, hop, (run) => fn(event, run), options);
    };
  }

  private rememberStart(traceId: string, start: number): void {
    this.remember(this.traceStarts, traceId, start);
  }

  /** Bounded: the oldest entry goes first. */
  private remember(map: Map<string, number>, key: string, value: number): void {
    map.set(key, value);
    if (map.size > this.maxOpenTraces) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }

  /**
   * Every final stage of a trace counts: one frame may cause several actions (an agent's, and another agent's
   * reacting to its emit), each with its own latency from the capture. Starts are forgotten oldest first.
   */
  private finishTrace(traceId: string, end: number): void {
    const start = this.traceStarts.get(traceId);
    if (start !== undefined) this.metrics.record('end-to-end', end - start);
  }
}
