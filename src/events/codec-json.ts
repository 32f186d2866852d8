// JSON form of events: the debug and export format (JSONL files). What plain JSON would lose or refuse is
// written as a tagged object so that export → import (and the protobuf form, which carries payloads as this
// JSON) gives back what a structured clone would have: binary parts as {"$bytes": base64, "$view":
// "Float32Array"}; a bigint as {"$bigint": "123"}; NaN and ±Infinity as {"$number": "NaN"}; {"$map": [[k, v]]},
// {"$set": [v]}, {"$date": ms}, {"$regexp": [source, flags]}, {"$error": {name, message, stack, cause}}.
// A payload's own object that has a key of these names is written as {"$object": [[key, value], …]}, so no
// payload is ever mistaken for a tag.
import type { SentioEvent } from './event';
import { validateEvent, type EventLimits, DEFAULT_LIMITS, EventValidationError } from './validate';

type ViewName =
  | 'Uint8Array'
  | 'Int8Array'
  | 'Uint16Array'
  | 'Int16Array'
  | 'Uint32Array'
  | 'Int32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'ArrayBuffer';

const VIEWS: Record<Exclude<ViewName, 'ArrayBuffer'>, new (b: ArrayBuffer) => ArrayBufferView> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
};

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): ArrayBuffer {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out.buffer;
}

const TAGS = [
  '$bytes',
  '$view',
  '$bigint',
  '$number',
  '$map',
  '$set',
  '$date',
  '$regexp',
  '$error',
  '$object',
];

const ERRORS: Record<string, new (message: string) => Error> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

function looksTagged(o: object): boolean {
  for (const t of TAGS) if (Object.hasOwn(o, t)) return true;
  return false;
}

// A Date's toJSON runs before the replacer (an ISO string, or null when invalid): look at the holder.
function isDate(holder: unknown, key: string): boolean {
  return (holder as Record<string, unknown>)[key] instanceof Date;
}

function dateTag(d: Date): { $date: number | 'NaN' } {
  const t = d.getTime();
  return { $date: Number.isFinite(t) ? t : 'NaN' };
}

// A function, not an arrow: `this[key]` is the value before toJSON (a Date's toJSON makes it a string).
function replacer(this: unknown, key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return { $bigint: value.toString() };
    case 'number':
      return Number.isFinite(value) ? value : { $number: String(value) };
    case 'string':
      return isDate(this, key) ? dateTag((this as Record<string, Date>)[key]!) : value;
    case 'object': {
      if (value === null) return isDate(this, key) ? dateTag((this as Record<string, Date>)[key]!) : value;
      if (value instanceof ArrayBuffer)
        return { $bytes: toBase64(new Uint8Array(value)), $view: 'ArrayBuffer' };
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return { $bytes: toBase64(bytes), $view: value.constructor.name };
      }
      if (value instanceof Map) return { $map: [...value] };
      if (value instanceof Set) return { $set: [...value] };
      if (value instanceof Date) return dateTag(value);
      if (value instanceof RegExp) return { $regexp: [value.source, value.flags] };
      if (value instanceof Error) {
        const e = value as Error & { cause?: unknown };
        const out: Record<string, unknown> = { name: e.name, message: e.message };
        if (e.stack !== undefined) out.stack = e.stack;
        if ('cause' in e) out.cause = e.cause;
        return { $error: out };
      }
      if (!Array.isArray(value) && looksTagged(value)) return { $object: Object.entries(value) };
      return value;
    }
    default:
      return value;
  }
}

function reviveError(x: { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown }): Error {
  const name = typeof x.name === 'string' ? x.name : 'Error';
  // As a structured clone does: a name that is not one of the standard errors comes back as Error.
  const E = Object.hasOwn(ERRORS, name) ? ERRORS[name]! : Error;
  const err = new E(typeof x.message === 'string' ? x.message : '');
  if (typeof x.stack === 'string') err.stack = x.stack;
  if ('cause' in x) (err as { cause?: unknown }).cause = x.cause;
  return err;
}

function reviver(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  if ('$bytes' in o && '$view' in o) {
    const { $bytes, $view } = o as { $bytes: string; $view: ViewName };
    const buf = fromBase64($bytes);
    if ($view === 'ArrayBuffer') return buf;
    const View = VIEWS[$view];
    if (!View) throw new TypeError(`unknown binary view "${$view}"`);
    return new View(buf);
  }
  const keys = Object.keys(o);
  if (keys.length !== 1) return value;
  const v = o[keys[0]!];
  switch (keys[0]) {
    case '$bigint':
      if (typeof v !== 'string') throw new TypeError('$bigint must be a string of digits');
      return BigInt(v);
    case '$number':
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      throw new TypeError(`$number must be NaN, Infinity or -Infinity (got ${JSON.stringify(v)})`);
    case '$map':
      if (!Array.isArray(v)) throw new TypeError('$map must be an array of [key, value] pairs');
      return new Map(v as [unknown, unknown][]);
    case '$set':
      if (!Array.isArray(v)) throw new TypeError('$set must be an array');
      return new Set(v);
    case '$date':
      return new Date(typeof v === 'number' ? v : NaN);
    case '$regexp':
      if (!Array.isArray(v)) throw new TypeError('$regexp must be [source, flags]');
      return new RegExp(String(v[0]), String(v[1] ?? ''));
    case '$error':
      if (!v || typeof v !== 'object') throw new TypeError('$error must be an object');
      return reviveError(v);
    case '$object':
      if (!Array.isArray(v)) throw new TypeError('$object must be an array of [key, value] pairs');
      return Object.fromEntries(v as [string, unknown][]);
    default:
      return value;
  }
}

/** A payload alone in the JSON form (binary parts encoded); used by the protobuf codec too. */
export function payloadToJson(payload: unknown): string {
  return JSON.stringify(payload, replacer);
}

export function payloadFromJson(json: string): unknown {
  return JSON.parse(json, reviver);
}

export function eventToJson(event: SentioEvent): string {
  return JSON.stringify(event, replacer);
}

/** Parses and validates one event; errors name the line when given. */
export function eventFromJson(
  json: string,
  limits: EventLimits = DEFAULT_LIMITS,
  line?: number,
): SentioEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json, reviver);
  } catch (err) {
    throw new EventValidationError(
      '(json)',
      `${line ? `line ${line}: ` : ''}not valid JSON: ${(err as Error).message}`,
    );
  }
  const v = validateEvent(parsed, limits);
  if (!v.ok) {
    if (line)
      throw new EventValidationError(v.error.field, `line ${line}: ${v.error.reason}`, v.error.eventId);
    throw v.error;
  }
  return v.event;
}

export function eventsToJsonl(events: Iterable<SentioEvent>): string {
  let out = '';
  for (const e of events) out += eventToJson(e) + '\n';
  return out;
}
