// Wires the router and the privacy layer together for one endpoint: audit log, consent, egress gate,
// breaker, cloud client, offline outbox and the router itself. The app, tests and benches all build it here.
import type { Bus } from '../bus/types';
import { createAuditLog, type AuditLog } from '../privacy/audit-log';
import { createConsentStore, type ConsentStore } from '../privacy/consent';
import { createEgressGate, type EgressGate } from '../privacy/egress-gate';
import type { SentioDb } from '../storage/db';
import { createBudget, type Budget, type BudgetCaps } from './budget';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker';
import { createCloudClient, type AttemptReport, type CloudClient, type RetryOptions } from './cloud-client';
import { systemClock, type Clock } from '../platform/clock';
import type { EndpointConfig } from './endpoint';
import { createOutbox, type DeliveryOutcome, type Outbox, type OutboxDeps } from './outbox';
import {
  createRouter,
  type CloudTask,
  type LocalInference,
  type LocalSufficiency,
  type Router,
} from './router';
import { chatTask, transcribeTask } from './tasks';
import type { NetworkState, PolicyConfig } from './types';

export interface RoutingStackOptions {
  db: SentioDb;
  bus: Bus;
  endpoint: EndpointConfig;
  network: OutboxDeps['network'] & { state?: () => NetworkState };
  local?: LocalInference;
  clock?: Clock;
  policy?: PolicyConfig;
  budget?: BudgetCaps;
  /** Shared across stacks (the app rebuilds the stack when the user switches endpoints): consent, audit, spend. */
  shared?: { audit: AuditLog; consent: ConsentStore; budget: Budget };
  breaker?: { failureThreshold: number; cooldownMs: number };
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  outboxBackoff?: { baseMs: number; maxMs: number };
  cloudTasks?: Record<string, CloudTask>;
  learned?: LocalSufficiency;
  locks?: LockManager;
  onAttempt?: (report: AttemptReport) => void;
  onDelivery?: (outcome: DeliveryOutcome) => void;
}

export interface RoutingStack {
  audit: AuditLog;
  consent: ConsentStore;
  gate: EgressGate;
  breaker: CircuitBreaker;
  client: CloudClient;
  outbox: Outbox;
  router: Router;
  budget: Budget;
}

export const UNLIMITED_BUDGET: BudgetCaps = {
  globalPerDay: Infinity,
  globalPerSession: Infinity,
  perAgentPerDay: Infinity,
  perAgentPerSession: Infinity,
};

export async function createRoutingStack(o: RoutingStackOptions): Promise<RoutingStack> {
  const clock = o.clock ?? systemClock;
  const audit = o.shared?.audit ?? createAuditLog({ db: o.db, now: clock.now });
  const consent = o.shared?.consent ?? createConsentStore({ db: o.db, audit, now: clock.now });
  if (!o.shared) await consent.load();
  const budget = o.shared?.budget ?? createBudget(o.budget ?? UNLIMITED_BUDGET, clock.now);
  const gate = createEgressGate({ consent, audit });
  const breaker = createCircuitBreaker({
    failureThreshold: o.breaker?.failureThreshold ?? 5,
    cooldownMs: o.breaker?.cooldownMs ?? 30_000,
    now: clock.now,
  });
  const client = createCloudClient({
    gate,
    endpoint: o.endpoint,
    breaker,
    clock,
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.onAttempt ? { onAttempt: o.onAttempt } : {}),
  });
  const outbox = createOutbox({
    db: o.db,
    clock,
    endpoint: o.endpoint.id,
    network: o.network,
    ...(o.outboxBackoff ? { backoff: o.outboxBackoff } : {}),
    ...(o.locks ? { locks: o.locks } : {}),
    ...(o.onDelivery ? { onOutcome: o.onDelivery } : {}),
    // Queued requests are sent whole (not streamed): nobody is waiting on the tokens.
    deliver: (q) =>
      client.postJson(
        q.request.path,
        q.request.path.endsWith('chat/completions')
          ? { model: o.endpoint.model, ...(q.request.body as object), stream: false }
          : q.request.body,
        {
          privacy: q.request.privacy,
          capability: q.request.capability,
          what: q.request.what,
          idempotencyKey: q.id,
        },
      ),
  });
  const router = createRouter({
    bus: o.bus,
    clock,
    consent,
    budget,
    ...(o.local ? { local: o.local } : {}),
    cloud: { client, breaker },
    cloudTasks: o.cloudTasks ?? { chat: chatTask, 'speech.transcribe': transcribeTask },
    network: o.network.state ?? (() => ({ online: o.network.online() })),
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.learned ? { learned: o.learned } : {}),
    db: o.db,
    outbox,
    audit,
  });
  return { audit, consent, gate, breaker, client, outbox, router, budget };
}
