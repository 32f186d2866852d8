// What a structured clone of a payload will copy: its size (strings, numbers, and the entries of Map, Set and
// Error that a `for…in` walk never sees), its binary media, its depth, and whether it can be cloned at all.
// The bus measures a payload with this where it crosses a thread, so a payload postMessage would refuse is
// refused at publish() with its path, instead of making the whole batch it travels in fail later.
import type { EventLimits } from './validate';

export interface PayloadSize {
  /** Approximate bytes of the non-media part, as a structured clone (or the JSON form) would carry it. */
  bytes: number;
  /** Bytes of binary media (ArrayBuffer, typed arrays, Blob, ImageData pixels). */
  mediaBytes: number;
}

export interface PayloadProblem {
  reason: string;
  /** Where inside the payload, e.g. ['items', 3, 'f']; empty for the payload as a whole (its size). */
  path: (string | number)[];
  /** A limit on the whole payload (size, media): reported at `payload`, not where it was exceeded. */
  whole: boolean;
}

// Objects structured clone refuses (DataCloneError). Proxies cannot be told apart from their target; the
// bus catches what postMessage still refuses and names it (hub-client.ts).
const UNCLONABLE: readonly string[] = ['WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Promise'];

function unclonable(x: object): string | null {
  for (const name of UNCLONABLE) {
    const C = (globalThis as Record<string, unknown>)[name];
    if (typeof C === 'function' && x instanceof (C as new () => object)) return name;
  }
  const g = globalThis as { Node?: new () => object; MessagePort?: new () => object };
  if (g.Node && x instanceof g.Node) return 'DOM node';
  // A port is only ever transferred, and the hub is not the place for transfers.
  if (g.MessagePort && x instanceof g.MessagePort) return 'MessagePort';
  return null;
}

function isShared(x: object): boolean {
  const SAB = (globalThis as { SharedArrayBuffer?: new () => object }).SharedArrayBuffer;
  if (!SAB) return false;
  return x instanceof SAB || (ArrayBuffer.isView(x) && x.buffer instanceof SAB);
}

/** Bytes of media in `x`, or null when it is not media. */
function mediaBytes(x: object): number | null {
  if (x instanceof ArrayBuffer) return x.byteLength;
  if (ArrayBuffer.isView(x)) return x.byteLength;
  if (typeof Blob !== 'undefined' && x instanceof Blob) return x.size;
  const name = x.constructor?.name;
  // Its pixels are copied, not transferred.
  if (name === 'ImageData') return (x as { data: { byteLength: number } }).data.byteLength;
  // Frames and bitmaps are handles to media; their pixels never pass through the structured clone of the
  // event, and they are only allowed on direct lanes (see bus/lanes).
  if (name === 'VideoFrame' || name === 'AudioData' || name === 'ImageBitmap') return 0;
  return null;
}

type Acc = PayloadSize;

function fail(reason: string, whole = false): PayloadProblem {
  return { reason, path: [], whole };
}

function at(p: PayloadProblem | null, key: string | number): PayloadProblem | null {
  if (p !== null && !p.whole && p.path.length < 64) p.path.unshift(key);
  return p;
}

/** The size of `payload` as a structured clone copies it, or what stops it from being sent. */
export function measurePayload(payload: unknown, limits: EventLimits): PayloadSize | PayloadProblem {
  // Recursive (depth is bounded by maxDepth) so that the common small payload allocates nothing.
  const acc: Acc = { bytes: 0, mediaBytes: 0 };
  let problem: PayloadProblem | null;
  try {
    problem = measure(payload, 0, limits, acc);
  } catch (err) {
    // A getter that throws throws in postMessage too.
    problem = fail(`reading it threw: ${(err as Error)?.message ?? String(err)}`);
  }
  return problem === null ? acc : problem;
}

function measure(x: unknown, depth: number, limits: EventLimits, acc: Acc): PayloadProblem | null {
  if (depth > limits.maxDepth) return fail(`nested deeper than ${limits.maxDepth} levels (or cyclic)`);
  switch (typeof x) {
    case 'string':
      acc.bytes += x.length + 2;
      break;
    case 'number':
    case 'boolean':
      acc.bytes += 8;
      break;
    case 'undefined':
      acc.bytes += 4;
      break;
    case 'bigint':
      // Cloned as is; the JSON form writes it as {"$bigint": "<digits>"} (codec-json.ts).
      acc.bytes += 16 + x.toString(16).length;
      break;
    case 'function':
    case 'symbol':
      return fail(`contains a ${typeof x}, which cannot be sent between threads`);
    case 'object': {
      if (x === null) {
        acc.bytes += 4;
        break;
      }
      const p = measureObject(x, depth, limits, acc);
      if (p !== null) return p;
      break;
    }
  }
  if (acc.bytes > limits.maxPayloadBytes)
    return fail(`larger than the ${limits.maxPayloadBytes}-byte limit for non-media payloads`, true);
  return null;
}

function measureObject(x: object, depth: number, limits: EventLimits, acc: Acc): PayloadProblem | null {
  if (Array.isArray(x)) {
    acc.bytes += 2 + x.length;
    if (acc.bytes > limits.maxPayloadBytes) return null; // The caller reports the size.
    for (let i = 0; i < x.length; i++) {
      const p = measure(x[i], depth + 1, limits, acc);
      if (p !== null) return at(p, i);
    }
    return null;
  }
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    for (const k in x) {
      acc.bytes += k.length + 4;
      const p = measure((x as Record<string, unknown>)[k], depth + 1, limits, acc);
      if (p !== null) return at(p, k);
    }
    return null;
  }
  if (isShared(x))
    return fail('contains a SharedArrayBuffer, which the hub cannot receive: copy it into an ArrayBuffer');
  const media = mediaBytes(x);
  if (media !== null) {
    acc.mediaBytes += media;
    if (acc.mediaBytes > limits.maxMediaBytes)
      return fail(`carries more than ${limits.maxMediaBytes} bytes of media`, true);
    return null;
  }
  if (x instanceof Map) {
    acc.bytes += 2;
    let i = 0;
    for (const [k, v] of x) {
      const p = measure(k, depth + 1, limits, acc) ?? measure(v, depth + 1, limits, acc);
      if (p !== null) return at(p, `<entry ${i}>`);
      i++;
    }
    return null;
  }
  if (x instanceof Set) {
    acc.bytes += 2;
    let i = 0;
    for (const v of x) {
      const p = measure(v, depth + 1, limits, acc);
      if (p !== null) return at(p, `<entry ${i}>`);
      i++;
    }
    return null;
  }
  if (x instanceof Error) {
    // A clone copies name, message, stack and cause; other own properties are dropped.
    const e = x as Error & { cause?: unknown };
    acc.bytes += 8 + String(e.name).length + String(e.message).length + (e.stack?.length ?? 0);
    return 'cause' in e ? at(measure(e.cause, depth + 1, limits, acc), 'cause') : null;
  }
  if (x instanceof Date) {
    acc.bytes += 8;
    return null;
  }
  if (x instanceof RegExp) {
    acc.bytes += x.source.length + 8;
    return null;
  }
  if (x instanceof String) {
    acc.bytes += x.length + 2;
    return null;
  }
  if (x instanceof Number || x instanceof Boolean || x instanceof BigInt) {
    acc.bytes += 16;
    return null;
  }
  const refused = unclonable(x);
  if (refused) return fail(`contains a ${refused}, which cannot be sent between threads`);
  // Any other object (a class instance) is cloned as a plain object of its own enumerable properties.
  for (const k of Object.keys(x)) {
    acc.bytes += k.length + 4;
    const p = measure((x as Record<string, unknown>)[k], depth + 1, limits, acc);
    if (p !== null) return at(p, k);
  }
  return null;
}

/** "payload", "payload.items[3].f" */
export function payloadField(path: readonly (string | number)[]): string {
  let out = 'payload';
  for (const k of path)
    out +=
      typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  return out;
}
