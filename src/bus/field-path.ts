// Reads a dotted path ("payload.trackId") out of an event; used by collapse keys and aggregate fields.
export function readPath(obj: unknown, path: string): unknown {
  let x: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof x !== 'object' || x === null) return undefined;
    x = (x as Record<string, unknown>)[key];
  }
  return x;
}
