// One breaker per endpoint: after `failureThreshold` consecutive failures it opens and refuses calls for
// `cooldownMs`; then one trial call is let through (half-open) and its outcome closes or re-opens it.
import type { CircuitState } from './types';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  now: () => number;
  onChange?: (state: CircuitState) => void;
}

export interface CircuitBreaker {
  state(): CircuitState;
  /** May a call go now? In half-open, only one trial at a time. */
  tryAcquire(): boolean;
  success(): void;
  failure(): void;
  /** Frees a half-open trial slot without a verdict (the call was stopped by policy, not by the endpoint). */
  release(): void;
  /** When an open breaker lets a trial through, ms since epoch. */
  reopensAt(): number | null;
}

export class CircuitOpenError extends Error {
  override name = 'CircuitOpenError';
  constructor(
    readonly endpoint: string,
    readonly retryAt: number,
  ) {
    super(`endpoint "${endpoint}" is failing: circuit open until ${new Date(retryAt).toISOString()}`);
  }
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  let failures = 0;
  let openedAt: number | null = null;
  let trialInFlight = false;
  let last: CircuitState = 'closed';

  function current(): CircuitState {
    if (openedAt === null) return 'closed';
    return options.now() - openedAt >= options.cooldownMs ? 'half-open' : 'open';
  }
  function notify(): void {
    const s = current();
    if (s !== last) {
      last = s;
      options.onChange?.(s);
    }
  }

  return {
    state() {
      notify();
      return current();
    },
    tryAcquire() {
      notify();
      const s = current();
      if (s === 'closed') return true;
      if (s === 'open' || trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    success() {
      failures = 0;
      openedAt = null;
      trialInFlight = false;
      notify();
    },
    failure() {
      failures++;
      const s = current();
      if (s === 'half-open' || failures >= options.failureThreshold) openedAt = options.now();
      trialInFlight = false;
      notify();
    },
    release() {
      trialInFlight = false;
    },
    reopensAt: () => (openedAt === null ? null : openedAt + options.cooldownMs),
  };
}
