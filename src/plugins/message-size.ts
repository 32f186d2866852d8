// How many bytes a message from a plugin made the host copy. The structured clone has already been paid
// for when the host sees the message, so this does not prevent the first copy: it tells the runner that a
// plugin sends oversized messages, so it is refused and, if it keeps doing so, isolated like a flood.
// The walk stops as soon as the limit is passed, so measuring a hostile message costs at most `limit`.

/** Bytes counted per value beyond its contents (a rough structured-clone overhead). */
const OVERHEAD = 8;

/**
 * An estimate of `x`'s structured-clone size, or `Infinity` once it passes `limit` or nests deeper than
 * `maxDepth`. Strings count two bytes per UTF-16 unit; buffers and views their byteLength; Map, Set, Error
 * and plain objects their entries.
 */
export function messageBytes(x: unknown, limit: number, maxDepth = 64): number {
  let total = 0;
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[x, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    total += OVERHEAD;
    if (typeof v === 'string') total += v.length * 2;
    else if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) continue;
      seen.add(v);
      if (depth > maxDepth) return Infinity;
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) total += v.byteLength;
      else if (v instanceof Map) for (const [k, e] of v) stack.push([k, depth + 1], [e, depth + 1]);
      else if (v instanceof Set) for (const e of v) stack.push([e, depth + 1]);
      else {
        if (v instanceof Error) stack.push([v.message, depth + 1], [v.stack, depth + 1]);
        for (const k of Object.keys(v)) {
          total += k.length * 2;
          stack.push([(v as Record<string, unknown>)[k], depth + 1]);
        }
      }
    }
    if (total > limit) return Infinity;
  }
  return total;
}
