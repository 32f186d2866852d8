// defineAgent: checks a definition once, up front, and fills in the defaults, so a typo fails at start-up
// with a message naming the field instead of misbehaving at the first event.
import { defaultPolicy, type BackpressurePolicy } from '../bus/policy';
import { assertPattern } from '../events/topic';
import { AgentDefinitionError } from './errors';
import type { AgentDefinition, AgentSubscription } from './types';

export interface ResolvedAgent<S = unknown> extends AgentDefinition<S> {
  subscriptions: AgentSubscription[];
  stateVersion: number;
  timeoutMs: number;
  maxAttempts: number;
  retry: { baseMs: number; maxMs: number };
  window: { maxCount: number; maxAgeMs: number };
  memory: { ttlMs: number; maxEpisodes: number };
  durable: boolean;
  /** How many events the in-worker mailbox holds before it pushes out the lowest-ranked one. */
  mailboxCapacity: number;
}

/**
 * A durable agent's backlog lives in its IndexedDB inbox and is never dropped. An in-memory agent's
 * mailbox is bounded by the largest `n` of its subscriptions' policies (by QoS default when none is given).
 */
function capacityOf(subs: readonly AgentSubscription[], durable: boolean): number {
  if (durable) return Infinity;
  let cap = 0;
  for (const s of subs) {
    const p: BackpressurePolicy = s.policy ?? defaultPolicy(s.qos ?? 'batched');
    cap = Math.max(cap, p.kind === 'persist' ? Infinity : p.kind === 'aggregate' ? 1024 : p.n);
  }
  return cap;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function positive(x: unknown, field: string, id: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
    throw new AgentDefinitionError(`agent "${id}": ${field} must be a positive number (got ${String(x)})`);
}

export function defineAgent<S>(def: AgentDefinition<S>): ResolvedAgent<S> {
  const id = def?.id;
  if (typeof id !== 'string' || !ID.test(id))
    throw new AgentDefinitionError(
      `agent id must be 1–64 characters of [A-Za-z0-9_-] (got ${JSON.stringify(id)})`,
    );
  if (!Array.isArray(def.subscribe) || def.subscribe.length === 0)
    throw new AgentDefinitionError(`agent "${id}": subscribe must list at least one topic pattern`);
  const subscriptions = def.subscribe.map((s) => (typeof s === 'string' ? { pattern: s } : { ...s }));
  for (const s of subscriptions) {
    try {
      assertPattern(s.pattern);
    } catch (e) {
      throw new AgentDefinitionError(`agent "${id}": subscribe: ${(e as Error).message}`);
    }
  }
  if (typeof def.on !== 'function') throw new AgentDefinitionError(`agent "${id}": on must be a function`);
  try {
    structuredClone(def.initialState);
  } catch {
    throw new AgentDefinitionError(`agent "${id}": initialState must be structured-cloneable`);
  }
  const stateVersion = def.stateVersion ?? 1;
  if (!Number.isInteger(stateVersion) || stateVersion < 1)
    throw new AgentDefinitionError(`agent "${id}": stateVersion must be a whole number ≥ 1`);
  const resolved: ResolvedAgent<S> = {
    ...def,
    subscriptions,
    stateVersion,
    timeoutMs: def.timeoutMs ?? 10_000,
    maxAttempts: def.maxAttempts ?? 3,
    retry: def.retry ?? { baseMs: 100, maxMs: 5_000 },
    window: def.window ?? { maxCount: 32, maxAgeMs: 60_000 },
    memory: def.memory ?? { ttlMs: 7 * 24 * 3600_000, maxEpisodes: 10_000 },
    durable: def.durable ?? true,
    mailboxCapacity: capacityOf(subscriptions, def.durable ?? true),
  };
  positive(resolved.timeoutMs, 'timeoutMs', id);
  if (!Number.isInteger(resolved.maxAttempts) || resolved.maxAttempts < 1)
    throw new AgentDefinitionError(`agent "${id}": maxAttempts must be a whole number ≥ 1`);
  positive(resolved.retry.baseMs, 'retry.baseMs', id);
  positive(resolved.retry.maxMs, 'retry.maxMs', id);
  positive(resolved.window.maxCount, 'window.maxCount', id);
  positive(resolved.window.maxAgeMs, 'window.maxAgeMs', id);
  positive(resolved.memory.ttlMs, 'memory.ttlMs', id);
  positive(resolved.memory.maxEpisodes, 'memory.maxEpisodes', id);
  return resolved;
}
