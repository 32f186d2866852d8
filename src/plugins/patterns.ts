// Relations between topic patterns (NATS grammar: `*` one token, `>` one or more trailing tokens), used to
// decide whether what a plugin asks for lies inside what it was granted.
import { patternMatches } from '../events/topic';

/** True when every topic matched by `inner` is also matched by `outer`. */
export function patternCovers(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let k = 0; k < o.length; k++) {
    const ot = o[k]!;
    if (ot === '>') return i.length > k;
    if (k >= i.length) return false;
    const it = i[k]!;
    if (it === '>') return false;
    if (ot !== '*' && ot !== it) return false;
  }
  return o.length === i.length;
}

/** True when some topic is matched by both patterns. */
export function patternsOverlap(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let k = 0; k < Math.max(x.length, y.length); k++) {
    const s = x[k];
    const t = y[k];
    if (s === '>') return t !== undefined;
    if (t === '>') return s !== undefined;
    if (s === undefined || t === undefined) return false;
    if (s !== '*' && t !== '*' && s !== t) return false;
  }
  return true;
}

/**
 * Whether a topic is matched by any of the granted patterns. Topics repeat, so each answer is remembered
 * (bounded, like the bus's route memo).
 */
export function grantedTopics(patterns: readonly string[]): (topic: string) => boolean {
  const memo = new Map<string, boolean>();
  return (topic) => {
    let ok = memo.get(topic);
    if (ok === undefined) {
      ok = patterns.some((p) => patternMatches(p, topic));
      if (memo.size >= 1024) memo.clear();
      memo.set(topic, ok);
    }
    return ok;
  };
}
