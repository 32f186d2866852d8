// The one clock of the runtime: what time it is and "call me in ms". Every module that waits, retries, ages
// or schedules takes a Clock instead of reaching for Date.now/setTimeout, so tests can run a simulated one and
// check schedules (backoff, timeouts, retention) without waiting for them.

/** Whatever `setTimeout` returned; only ever handed back to the same clock's `clearTimeout`. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch (the system clock) or since the simulation began. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Epoch ms from the high-resolution timer: what capture instants are based on, and comparable across the
 * threads of a page (each worker has its own timeOrigin), so a stage timed in a worker lines up with the page's.
 * Date.now() drifts from it by milliseconds, which is the size of the stages measured.
 */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A clock that moves only when told to: `advance` runs every timer that falls due, in due order. */
export interface SimulatedClock extends Clock {
  /** Moves time forward by `ms`, running due timers (and timers they set that fall due too) in order. */
  advance(ms: number): void;
  /** Timers set and not yet run or cleared. */
  pending(): number;
  /** When the earliest pending timer falls due, for drivers that settle other work between timers. */
  nextDue(): number | undefined;
  /** The `ms` of every setTimeout so far, in call order: what a backoff schedule asked for. */
  readonly requested: readonly number[];
}

export function createSimulatedClock(start = 0): SimulatedClock {
  let now = start;
  let seq = 0;
  // Due time, then order of setting: two timers due at once run in the order they were set, as in browsers.
  const timers = new Map<number, { due: number; fn: () => void }>();
  const requested: number[] = [];
  const nextDue = (): [number, { due: number; fn: () => void }] | undefined => {
    let best: [number, { due: number; fn: () => void }] | undefined;
    for (const entry of timers) if (!best || entry[1].due < best[1].due) best = entry;
    return best;
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const delay = Math.max(0, Number.isFinite(ms) ? ms : 0);
      requested.push(ms);
      const id = ++seq;
      timers.set(id, { due: now + delay, fn });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (let next = nextDue(); next && next[1].due <= until; next = nextDue()) {
        timers.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].fn();
      }
      now = until;
    },
    pending: () => timers.size,
    nextDue: () => nextDue()?.[1].due,
    requested,
  };
}
