// The one exponential backoff: handler retries, worker and sandbox restarts, cloud-call retries and NATS
// reconnects all wait base·2^(attempt−1), capped. With `random`, the wait is drawn uniformly below that cap
// ("full jitter"), so many clients that failed together do not all come back in the same instant.

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** 0..1. When given, full jitter: uniform in [0, cap]. Injected so tests are deterministic. */
  random?: () => number;
}

/** Delay before retry `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return policy.random ? Math.round(policy.random() * cap) : cap;
}
