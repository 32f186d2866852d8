// JSON form of events: the debug and export format (JSONL files). Binary payload parts (ArrayBuffer, typed
// arrays) are written as {"$bytes": base64, "$view": "Float32Array"} so a round trip gives them back.
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

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(value)), $view: 'ArrayBuffer' };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { $bytes: toBase64(bytes), $view: value.constructor.name };
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$bytes' in value && '$view' in value) {
    const { $bytes, $view } = value as { $bytes: string; $view: ViewName };
    const buf = fromBase64($bytes);
    if ($view === 'ArrayBuffer') return buf;
    const View = VIEWS[$view];
    if (!View) throw new TypeError(`unknown binary view "${$view}"`);
    return new View(buf);
  }
  return value;
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
