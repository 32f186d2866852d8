// The JSON Canonicalization Scheme (RFC 8785) for JSON data: one byte sequence per value, however it was
// built or formatted. Signatures (plugin manifests) and hash chains (the audit log) are computed over this
// form, so it must have exactly one rule: object keys sorted by UTF-16 code units, no whitespace, numbers
// and strings as ECMAScript's JSON.stringify writes them (which is what RFC 8785 specifies). A value JSON
// cannot carry (NaN, ±Infinity, undefined in an array, bigint, a function, a symbol, a Map, a Date…) is
// refused with its path, never quietly turned into null or dropped: a signature over a lossy form could be
// satisfied by two different values.

export class CanonicalJsonError extends TypeError {
  override name = 'CanonicalJsonError';
  constructor(
    /** Where the value sits, as `$.a[2].b`. */
    readonly path: string,
    what: string,
  ) {
    super(`canonical JSON cannot encode ${what} at ${path}`);
  }
}

function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (typeof x !== 'object' || x === null) return `a ${typeof x}`;
  return `a ${(x as object).constructor?.name ?? 'null-prototype object'}`;
}

function encode(x: unknown, path: string): string {
  if (x === null || typeof x === 'boolean' || typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new CanonicalJsonError(path, describe(x));
    return JSON.stringify(x);
  }
  if (typeof x !== 'object') throw new CanonicalJsonError(path, describe(x));
  if (Array.isArray(x)) return `[${x.map((v, i) => encode(v, `${path}[${i}]`)).join(',')}]`;
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(path, describe(x));
  // An absent optional field and one set to undefined are the same object to JSON: both are left out.
  const entries = Object.entries(x as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, `${path}.${k}`)}`).join(',')}}`;
}

/** `x` in RFC 8785 canonical form; throws CanonicalJsonError naming the first value JSON cannot carry. */
export function canonicalJson(x: unknown): string {
  return encode(x, '$');
}
