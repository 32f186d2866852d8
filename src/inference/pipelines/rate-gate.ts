// Lets an input through at most once per interval: a heavy model (pose) does not have to see every camera frame
// to be useful, and skipping the others keeps the machine free for the rest.

export interface RateGate {
  /** True (and the interval restarts) when enough time has passed since the last input let through. */
  admit(): boolean;
}

export function createRateGate(intervalMs: number, now: () => number = () => performance.now()): RateGate {
  if (!(intervalMs >= 0) || !Number.isFinite(intervalMs))
    throw new RangeError(`a rate interval must be a finite number of ms ≥ 0 (got ${intervalMs})`);
  let last = -Infinity;
  return {
    admit() {
      const t = now();
      if (t - last < intervalMs) return false;
      last = t;
      return true;
    },
  };
}
