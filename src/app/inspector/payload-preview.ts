// Payloads as text for the inspector. A row's preview is built lazily (only for rows in view) and stops once
// it is long enough, so a 512-sample audio chunk costs a few values, not a JSON dump of 512 numbers; typed
// arrays are named by type and length ("Float32Array(512) [0.012, -0.003, …]"). Text only: the caller sets
// textContent, so a payload can never become markup.

const TYPED_PREVIEW_VALUES = 4;
const TYPED_DETAIL_VALUES = 16;

/** Stops the walk once the text is long enough. */
class Enough extends Error {}

function num(n: number | bigint): string {
  if (typeof n === 'bigint') return `${n}n`;
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** "Float32Array(512) [0.012, -0.003, …]": the type, the length and the first `shown` values. */
export function describeTypedArray(v: ArrayBufferView, shown: number): string {
  const name = v.constructor?.name ?? 'ArrayBufferView';
  if (v instanceof DataView) return `DataView(${v.byteLength} bytes)`;
  const arr = v as unknown as ArrayLike<number | bigint>;
  const values: string[] = [];
  for (let i = 0; i < Math.min(arr.length, shown); i++) values.push(num(arr[i]!));
  if (arr.length > shown) values.push('…');
  return `${name}(${arr.length}) [${values.join(', ')}]`;
}

/** A name for binary and host objects that JSON cannot show, or null for ordinary values. */
function binaryName(v: object, shown: number): string | null {
  if (ArrayBuffer.isView(v)) return describeTypedArray(v, shown);
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength} bytes)`;
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) {
    return `SharedArrayBuffer(${v.byteLength} bytes)`;
  }
  return null;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** One line of text for a payload, cut to `max` characters. */
export function payloadPreview(payload: unknown, max = 160): string {
  let text = '';
  const seen = new Set<object>();
  const put = (s: string) => {
    text += s;
    if (text.length > max) throw new Enough();
  };
  const walk = (v: unknown): void => {
    if (v === null) return put('null');
    switch (typeof v) {
      case 'string':
        return put(JSON.stringify(v.length > max ? v.slice(0, max) : v));
      case 'number':
      case 'bigint':
        return put(num(v));
      case 'boolean':
        return put(String(v));
      case 'undefined':
        return put('undefined');
      case 'function':
      case 'symbol':
        return put(String(v));
    }
    const o = v as object;
    const binary = binaryName(o, TYPED_PREVIEW_VALUES);
    if (binary) return put(binary);
    if (seen.has(o)) return put('[Circular]');
    if (o instanceof Date) return put(JSON.stringify(o.toJSON()));
    seen.add(o);
    if (Array.isArray(o)) {
      put('[');
      o.forEach((x, i) => {
        if (i) put(',');
        walk(x);
      });
      put(']');
    } else if (isPlain(o)) {
      put('{');
      Object.entries(o).forEach(([k, x], i) => {
        put(`${i ? ',' : ''}${JSON.stringify(k)}:`);
        walk(x);
      });
      put('}');
    } else {
      put(Object.prototype.toString.call(o)); // a VideoFrame, an ImageBitmap, a Map: name its kind
    }
    seen.delete(o);
  };
  try {
    walk(payload);
  } catch (err) {
    if (!(err instanceof Enough)) throw err;
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The whole event, indented, for the detail pane (typed arrays still by type and length, with more values). */
export function eventDetail(event: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(
      event,
      (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v !== 'object' || v === null) return v;
        const binary = binaryName(v, TYPED_DETAIL_VALUES);
        if (binary) return binary;
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
        return isPlain(v) || Array.isArray(v) ? v : Object.prototype.toString.call(v);
      },
      2,
    );
  } catch {
    return payloadPreview(event, 4000);
  }
}
