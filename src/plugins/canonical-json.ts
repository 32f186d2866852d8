// One byte sequence per manifest, however its JSON was formatted: keys sorted, no whitespace. Signatures are
// computed over this form so that reformatting a manifest file does not invalidate its signature.

export function canonicalJson(x: unknown): string {
  if (x === null || typeof x !== 'object') {
    if (typeof x === 'number' && !Number.isFinite(x))
      throw new TypeError('canonical JSON has no NaN/Infinity');
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol' || typeof x === 'bigint')
      throw new TypeError(`canonical JSON cannot encode a ${typeof x}`);
    return JSON.stringify(x);
  }
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(x as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, value]) => `${JSON.stringify(k)}:${canonicalJson(value)}`).join(',')}}`;
}
