// Validation of events that enter from another thread, a plugin or the network. The valibot schema is the
// definition and gives the error (which field, why). A hand-written check accepts the common well-formed
// case first because the schema costs ~0.5 µs per event, a third of a batched postMessage; that check only
// ever accepts a subset of what the schema accepts (property-tested in validate.test.ts).
import * as v from 'valibot';
import type { EventId, SentioEvent } from './event';
import { firstProblem } from '../platform/schema-issue';
import { UUID_V7 } from './id';
import { measurePayload, payloadField } from './payload-measure';
import { isTopic, topicProblem } from './topic';

export { measurePayload } from './payload-measure';

export interface EventLimits {
  /** Upper bound on the JSON-like size of the payload, not counting binary media buffers. */
  maxPayloadBytes: number;
  /** Upper bound on binary media (ArrayBuffer, typed arrays, Blob) carried in one payload. */
  maxMediaBytes: number;
  /** Nesting depth of the payload; also what stops a cyclic object. */
  maxDepth: number;
  /**
   * How far past the receiver's clock an event's `ts` may be. `ts` is when the thing happened, so only clock
   * skew between threads or devices puts it in the future; without a bound, `ts: 1e20` never ages out of the
   * log (retention deletes by age).
   */
  maxFutureMs: number;
}

export const DEFAULT_LIMITS: Readonly<EventLimits> = Object.freeze({
  maxPayloadBytes: 256 * 1024,
  maxMediaBytes: 16 * 1024 * 1024,
  maxDepth: 32,
  // An hour: far beyond the skew of clocks kept by network time (devices bridged over NATS drift seconds,
  // a phone without network time minutes), and it lets a forged future ts outlive the log's 24 h age limit
  // by at most an hour.
  maxFutureMs: 3600_000,
});

export class EventValidationError extends Error {
  override name = 'EventValidationError';
  constructor(
    /** Dotted path of the offending field, e.g. "trace.spanId" or "payload". */
    readonly field: string,
    readonly reason: string,
    readonly eventId?: string,
  ) {
    super(`invalid event${eventId ? ` ${eventId}` : ''}: ${field}: ${reason}`);
  }
}

const text = (field: string, max: number) =>
  v.pipe(
    v.string(`${field} must be a string`),
    v.minLength(1, `${field} must not be empty`),
    v.maxLength(max, `${field} is longer than ${max} characters`),
  );

const finite = (field: string) =>
  v.pipe(v.number(`${field} must be a number`), v.finite(`${field} must be finite`));

export const EventSchema = v.object({
  id: v.pipe(v.string('id must be a string'), v.regex(UUID_V7, 'id must be a lower-case UUIDv7')),
  type: v.pipe(text('type', 128), v.regex(/^[A-Za-z0-9_.-]+$/, 'type has characters outside [A-Za-z0-9_.-]')),
  topic: v.pipe(
    v.string('topic must be a string'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const problem = topicProblem(dataset.value);
      if (problem) addIssue({ message: problem });
    }),
  ),
  ts: v.pipe(finite('ts'), v.minValue(0, 'ts must be ms since the epoch (≥ 0)')),
  source: text('source', 128),
  privacy: v.picklist(['local', 'private', 'public'], 'privacy must be one of local, private, public'),
  qos: v.picklist(['realtime', 'batched', 'background'], 'qos must be one of realtime, batched, background'),
  priority: v.optional(finite('priority')),
  trace: v.optional(
    v.object(
      {
        traceId: text('traceId', 64),
        spanId: text('spanId', 64),
        parentId: v.optional(text('parentId', 64)),
      },
      'trace must be an object',
    ),
  ),
  meta: v.optional(
    v.pipe(
      v.record(v.string(), v.string('meta values must be strings'), 'meta must be an object of strings'),
      v.check((m) => Object.keys(m).length <= 64, 'meta has more than 64 entries'),
    ),
  ),
  payload: v.custom<unknown>((x) => x !== undefined, 'payload is missing'),
  confidence: v.optional(
    v.pipe(
      finite('confidence'),
      v.minValue(0, 'confidence must be ≥ 0'),
      v.maxValue(1, 'confidence must be ≤ 1'),
    ),
  ),
  tags: v.optional(
    v.pipe(
      v.array(text('tag', 64), 'tags must be an array of strings'),
      v.maxLength(32, 'more than 32 tags'),
    ),
  ),
});

function isPrivacy(x: unknown): boolean {
  return x === 'local' || x === 'private' || x === 'public';
}

function isQos(x: unknown): boolean {
  return x === 'realtime' || x === 'batched' || x === 'background';
}

function isShortText(x: unknown, max: number): boolean {
  return typeof x === 'string' && x.length > 0 && x.length <= max;
}

const TYPE = /^[A-Za-z0-9_.-]+$/;

/** A plain object (not a class instance, not a proxy-like exotic): what the schema's object checks see. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function traceAccepted(t: unknown): boolean {
  if (t === undefined) return true;
  if (!isPlainObject(t)) return false;
  return (
    isShortText(t.traceId, 64) &&
    isShortText(t.spanId, 64) &&
    (t.parentId === undefined || isShortText(t.parentId, 64))
  );
}

// Keys the schema's record check skips or treats specially: left to the schema, which names them.
const RISKY_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function metaAccepted(m: unknown): boolean {
  if (m === undefined) return true;
  if (!isPlainObject(m)) return false;
  let n = 0;
  for (const k in m) {
    if (!Object.hasOwn(m, k) || RISKY_KEYS.has(k) || typeof m[k] !== 'string' || ++n > 64) return false;
  }
  return true;
}

/**
 * Cheap acceptance of the common shape: the required fields, plus priority, confidence, a trace context and
 * string meta (events from another device carry `meta.device`, traced ones a trace: every hop saw them).
 * Anything else (tags, unusual cases) returns false and goes to the schema.
 */
export function fastAccept(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  const ts = e.ts;
  if (!(
    typeof e.id === 'string' &&
    e.id.length === 36 &&
    UUID_V7.test(e.id) &&
    isShortText(e.type, 128) &&
    TYPE.test(e.type as string) &&
    isTopic(e.topic) &&
    typeof ts === 'number' &&
    ts >= 0 &&
    Number.isFinite(ts) &&
    isShortText(e.source, 128) &&
    isPrivacy(e.privacy) &&
    isQos(e.qos) &&
    e.payload !== undefined &&
    traceAccepted(e.trace) &&
    metaAccepted(e.meta)
  )) {
    return false;
  }
  if (e.priority !== undefined && !(typeof e.priority === 'number' && Number.isFinite(e.priority)))
    return false;
  const c = e.confidence;
  if (c !== undefined && !(typeof c === 'number' && c >= 0 && c <= 1)) return false;
  if (e.tags !== undefined) return false;
  return true;
}

export type Validation = { ok: true; event: SentioEvent } | { ok: false; error: EventValidationError };

function idOf(x: unknown): string | undefined {
  const id = typeof x === 'object' && x !== null ? (x as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 64) : undefined;
}

/** `now`: the receiver's clock (ms since the epoch), for the bound on `ts` (limits.maxFutureMs). */
export function validateEvent(
  x: unknown,
  limits: EventLimits = DEFAULT_LIMITS,
  now: number = Date.now(),
): Validation {
  if (!fastAccept(x)) {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) {
      return { ok: false, error: new EventValidationError('(event)', 'an event must be an object') };
    }
    const r = v.safeParse(EventSchema, x, { abortEarly: true });
    if (!r.success) {
      const { field, reason } = firstProblem(r.issues, '(event)');
      return { ok: false, error: new EventValidationError(field, reason, idOf(x)) };
    }
  }
  const e = x as SentioEvent;
  if (e.ts > now + limits.maxFutureMs) {
    const reason = `ts ${e.ts} is ${Math.round(e.ts - now)} ms ahead of the receiver's clock (at most ${limits.maxFutureMs} ms of clock skew is allowed)`;
    return { ok: false, error: new EventValidationError('ts', reason, e.id) };
  }
  const size = measurePayload(e.payload, limits);
  if ('reason' in size)
    return { ok: false, error: new EventValidationError(payloadField(size.path), size.reason, e.id) };
  return { ok: true, event: e };
}

export function asEventId(x: string): EventId {
  if (!UUID_V7.test(x)) throw new EventValidationError('id', 'id must be a lower-case UUIDv7', x);
  return x as EventId;
}
