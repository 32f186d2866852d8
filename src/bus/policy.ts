// What a subscription does when its subscriber is slower than its publishers. Policies are plain data so
// the hub can apply them on the subscriber's behalf in another thread; reducers and keys are therefore named
// (a reducer from a fixed set, a key as a field path), never functions.
import type { Qos } from '../events/event';

export type Reducer = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'first' | 'last';

export type BackpressurePolicy =
  /** Keep only the newest `n` events per topic (a wildcard over two cameras keeps each camera's latest). */
  | { kind: 'latest'; n: number }
  /** One FIFO of at most `n` events over all topics; when full the oldest goes. */
  | { kind: 'dropOldest'; n: number }
  /** While a backlog exists keep one event in every `k`; `n` bounds the queue (oldest dropped beyond it). */
  | { kind: 'sample'; k: number; n: number }
  /** Fold events per topic over `windowMs` into one event whose payload is the reducer's result over `field`. */
  | { kind: 'aggregate'; windowMs: number; reducer: Reducer; field: string }
  /** Keep one pending event per value of `key` (a dotted path such as "payload.trackId"); newer replaces older. */
  | { kind: 'collapse'; key: string; n: number }
  /**
   * A FIFO bounded by `n` (oldest dropped beyond it) whose backlog is handed over `maxCount` at a time;
   * across threads a sender may hold events up to `maxWaitMs` to fill a batch.
   */
  | { kind: 'batch'; maxCount: number; maxWaitMs: number; n: number }
  /**
   * Never drop: with a store (the hub's IndexedDB) every event is written through until acknowledged; at
   * most `memory` events wait in memory, the rest are read back from disk in order.
   */
  | { kind: 'persist'; memory: number };

export type DropReason =
  'latest' | 'overflow' | 'sampled' | 'collapsed' | 'aggregated' | 'invalid' | 'expired';

export const policies = {
  latest: (n = 1): BackpressurePolicy => ({ kind: 'latest', n }),
  dropOldest: (n: number): BackpressurePolicy => ({ kind: 'dropOldest', n }),
  sample: (k: number, n = 1024): BackpressurePolicy => ({ kind: 'sample', k, n }),
  aggregate: (windowMs: number, reducer: Reducer, field = 'payload'): BackpressurePolicy => ({
    kind: 'aggregate',
    windowMs,
    reducer,
    field,
  }),
  collapse: (key: string, n = 1024): BackpressurePolicy => ({ kind: 'collapse', key, n }),
  batch: (maxCount = 64, maxWaitMs = 50, n = 4096): BackpressurePolicy => ({
    kind: 'batch',
    maxCount,
    maxWaitMs,
    n,
  }),
  persist: (memory = 1024): BackpressurePolicy => ({ kind: 'persist', memory }),
};

/** DESIGN.md: realtime → latest, batched → batch by count/time, background → persist. */
/**
 * Whether the hub holds every event of this subscription, its own thread's publishes too. A durable `persist`
 * subscription must lose nothing when its thread dies: an event delivered in-thread would wait in that
 * thread's memory only, so it makes the round trip and the hub keeps it until the handler acknowledges it.
 */
export function heldByHub(durable: string | undefined, policy: BackpressurePolicy): boolean {
  return durable !== undefined && policy.kind === 'persist';
}

export function defaultPolicy(qos: Qos): BackpressurePolicy {
  switch (qos) {
    case 'realtime':
      return policies.latest(1);
    case 'batched':
      return policies.batch();
    case 'background':
      return policies.persist();
  }
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

const REDUCERS: readonly Reducer[] = ['count', 'sum', 'mean', 'min', 'max', 'first', 'last'];

function positiveInt(x: unknown, what: string): void {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1)
    throw new PolicyError(`${what} must be a whole number ≥ 1 (got ${String(x)})`);
}

/** Throws a PolicyError naming the bad field; policies arrive from other threads as data. */
export function checkPolicy(p: BackpressurePolicy): BackpressurePolicy {
  switch (p?.kind) {
    case 'latest':
    case 'dropOldest':
      positiveInt(p.n, `${p.kind}.n`);
      return p;
    case 'sample':
      positiveInt(p.k, 'sample.k');
      positiveInt(p.n, 'sample.n');
      return p;
    case 'aggregate':
      positiveInt(p.windowMs, 'aggregate.windowMs');
      if (!REDUCERS.includes(p.reducer))
        throw new PolicyError(`aggregate.reducer must be one of ${REDUCERS.join(', ')}`);
      if (typeof p.field !== 'string' || !p.field)
        throw new PolicyError('aggregate.field must be a field path');
      return p;
    case 'collapse':
      if (typeof p.key !== 'string' || !p.key) throw new PolicyError('collapse.key must be a field path');
      positiveInt(p.n, 'collapse.n');
      return p;
    case 'batch':
      positiveInt(p.maxCount, 'batch.maxCount');
      positiveInt(p.maxWaitMs, 'batch.maxWaitMs');
      positiveInt(p.n, 'batch.n');
      return p;
    case 'persist':
      positiveInt(p.memory, 'persist.memory');
      return p;
    default:
      throw new PolicyError(`unknown backpressure policy ${JSON.stringify((p as { kind?: unknown })?.kind)}`);
  }
}
