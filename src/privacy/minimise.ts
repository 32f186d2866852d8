// What the egress gate does to a JSON payload before it leaves: media and local-labelled parts are dropped,
// and PII patterns can be masked. Returns what it removed so the audit log can say so.

export interface Minimised {
  value: unknown;
  dropped: string[];
  redactions: number;
}

function isMedia(v: unknown): boolean {
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return true;
  if (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer) return true;
  if (typeof Blob !== 'undefined' && v instanceof Blob) return true;
  for (const name of [
    'VideoFrame',
    'AudioData',
    'ImageBitmap',
    'ImageData',
    'MediaStream',
    'OffscreenCanvas',
  ]) {
    const ctor = (globalThis as Record<string, unknown>)[name];
    if (typeof ctor === 'function' && v instanceof (ctor as new () => unknown)) return true;
  }
  return false;
}

function isLocalLabelled(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { privacy?: unknown }).privacy === 'local';
}

/** Drops media, objects labelled `privacy: 'local'` (events embedded in a payload) and the named fields. */
export function minimisePayload(value: unknown, dropFields: readonly string[] = []): Minimised {
  const dropped: string[] = [];
  const drop = new Set(dropFields);
  function walk(v: unknown, path: string): unknown {
    if (isMedia(v) || isLocalLabelled(v)) {
      dropped.push(path || '(root)');
      return undefined;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      v.forEach((item, i) => {
        const w = walk(item, `${path}[${i}]`);
        if (w !== undefined) out.push(w);
      });
      return out;
    }
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (drop.has(p) || drop.has(k)) {
          dropped.push(p);
          continue;
        }
        const w = walk(item, p);
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    return v;
  }
  return { value: walk(value, ''), dropped, redactions: 0 };
}

const PII_PATTERNS: readonly [RegExp, string][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // Card-like digit runs before phone numbers: a 16-digit card is also a long phone-like number.
  [/\b(?:\d[ -]?){13,19}\b/g, '[card]'],
  [/(?:\+\d{1,3}[ .-]?)?(?:\(?\d{2,5}\)?[ .-]){1,4}\d{3,4}\b/g, '[phone]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
];

export function redactText(text: string): { text: string; redactions: number } {
  let count = 0;
  let out = text;
  for (const [re, mask] of PII_PATTERNS) {
    out = out.replace(re, () => {
      count++;
      return mask;
    });
  }
  return { text: out, redactions: count };
}

/** Masks PII in every string of a JSON value. */
export function redactPayload(value: unknown): { value: unknown; redactions: number } {
  let total = 0;
  function walk(v: unknown): unknown {
    if (typeof v === 'string') {
      const r = redactText(v);
      total += r.redactions;
      return r.text;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    }
    return v;
  }
  return { value: walk(value), redactions: total };
}
