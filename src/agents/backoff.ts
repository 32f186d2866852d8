// Exponential backoff shared by handler retries and worker restarts.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Delay before retry `n` (1-based): base × 2^(n−1), capped. */
export function backoffDelay(policy: BackoffPolicy, n: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, n - 1));
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function sleep(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => timers.setTimeout(resolve, ms));
}
