// A token bucket: `perSecond` sustained, up to `burst` at once. Time comes from the injected clock.
import type { Clock } from '../platform/clock';

export interface TokenBucket {
  /** Takes `n` tokens if available; false (and nothing taken) otherwise. */
  take(n?: number): boolean;
}

export function createTokenBucket(perSecond: number, burst: number, clock: Pick<Clock, 'now'>): TokenBucket {
  let tokens = burst;
  let at = clock.now();
  return {
    take(n = 1) {
      const now = clock.now();
      if (now > at) {
        tokens = Math.min(burst, tokens + ((now - at) * perSecond) / 1000);
        at = now;
      }
      if (tokens < n) return false;
      tokens -= n;
      return true;
    },
  };
}
