// ctx.infer(task, input, options): decides local / cloud / hybrid / defer / drop from the policy inputs,
// carries the decision out, records it (bus topic `router.decision` and the `decisions` table, with the
// features the learned router trains on) and returns the answer.
import type { Bus } from '../bus/types';
import type { Privacy } from '../events/event';
import type { ConsentStore } from '../privacy/consent';
import type { AuditLog } from '../privacy/audit-log';
import type { SentioDb } from '../storage/db';
import { createDecisionLog } from './decision-log';
import { decisionFeatures, routeInputs } from './route-inputs';
import type { Budget } from './budget';
import type { CircuitBreaker } from './circuit-breaker';
import type { CloudClient } from './cloud-client';
import type { Clock } from '../platform/clock';
import { mergeAnswers, type Merged } from './merge';
import type { Outbox, OutboxRequest } from './outbox';
import { decideRoute } from './policy';
import type { Decision, NetworkState, PolicyConfig, PolicyInputs, ReasonCode } from './types';
import { DEFAULT_POLICY } from './types';

export interface LocalAnswer<O = unknown> {
  output: O;
  /** The model's own confidence in this answer, 0..1. */
  confidence: number;
  /** What the local run learned about the input (token confidences, duration…): learned-router features. */
  features?: Record<string, number>;
}

/** Local inference as the router sees it (`sentio.infer` from src/inference/, injected). */
export interface LocalInference {
  supports(task: string): boolean;
  run(task: string, input: unknown, options: { signal?: AbortSignal }): Promise<LocalAnswer>;
  /** Typical latency of this task on this device, ms. */
  estimateLatencyMs(task: string): number;
}

/** How a task is done in the cloud. */
export interface CloudTask {
  capability: string;
  /** Task complexity 0..1 when the caller does not say. */
  complexity: number;
  estimateCost(input: unknown, endpointCostPer1k: number): number;
  run(
    client: CloudClient,
    input: unknown,
    options: {
      privacy: Privacy;
      signal?: AbortSignal;
      idempotencyKey: string;
      onDelta?: (text: string) => void;
    },
  ): Promise<{ output: unknown; cost: number; confidence: number }>;
  /** A request the offline queue can send later; tasks without it cannot be deferred. */
  toOutbox?(input: unknown): OutboxRequest;
}

export interface InferOptions {
  privacy: Privacy;
  agentId?: string;
  latencyBudgetMs?: number;
  complexity?: number;
  /** May the answer come later, through the offline queue? */
  deferrable?: boolean;
  /** Base topic of hybrid results: `<topic>.draft` then `<topic>.refined`. Default `router.<task>`. */
  topic?: string;
  signal?: AbortSignal;
  /** Extra features of the input for the learned router (duration, noise, …). */
  features?: Record<string, number>;
  onDelta?: (text: string) => void;
  /** Start the cloud call while the local model runs, when only its confidence can keep the answer local. */
  speculate?: boolean;
}

export interface InferResult {
  decisionId: string;
  decision: Decision;
  /** The answer now: local for local and hybrid, cloud for cloud; absent for defer and drop. */
  output?: unknown;
  confidence?: number;
  /** Hybrid only: the cloud refinement merged with the draft; resolves to null if the cloud failed. */
  refined?: Promise<Merged | null>;
  /** Defer only: the outbox key. */
  queued?: string;
}

/** A learned override: the probability that the local answer suffices. */
export interface LocalSufficiency {
  predict(features: Record<string, number | string | boolean>): number;
  threshold: number;
}

export interface RouterDeps {
  bus: Bus;
  clock: Clock;
  consent: ConsentStore;
  budget: Budget;
  local?: LocalInference;
  cloud?: { client: CloudClient; breaker: CircuitBreaker };
  cloudTasks: Record<string, CloudTask>;
  network: () => NetworkState;
  policy?: PolicyConfig;
  db?: SentioDb;
  outbox?: Outbox;
  learned?: LocalSufficiency;
  newId?: () => string;
  /** Where the router's refusals to send (privacy, consent, clearance, budget) are recorded, like the gate's. */
  audit?: AuditLog;
}

/** Decisions in which the policy refused the cloud: each is an egress decision, so it is audited. */
const DENIED_CODES: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  'privacy-local-unsupported',
  'no-consent',
  'clearance',
  'budget-exceeded',
  'budget-exceeded-unsupported',
]);

export interface Router {
  infer(task: string, input: unknown, options: InferOptions): Promise<InferResult>;
  /** The user's verdict on an answer (1 good … 0 bad): training signal for the learned router. */
  feedback(decisionId: string, score: number): Promise<void>;
  /** Resolves when every decision record so far is in IndexedDB. */
  flush(): Promise<void>;
}

const CONFIDENCE_CODES = new Set(['low-confidence-cloud', 'mid-confidence-hybrid']);

type CloudRun = Awaited<ReturnType<CloudTask['run']>> & { latencyMs: number };

/** What the decision step hands to the step that carries it out. */
interface Decided {
  decision: Decision;
  inputs: PolicyInputs;
  localAnswer: LocalAnswer | undefined;
  localMs: number;
  speculative: { promise: Promise<CloudRun>; controller: AbortController } | undefined;
}

export function createRouter(deps: RouterDeps): Router {
  const { bus, clock, budget, local, cloud } = deps;
  const policy = deps.policy ?? DEFAULT_POLICY;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const log = createDecisionLog(deps.db);

  async function runCloud(
    task: string,
    input: unknown,
    options: InferOptions,
    decisionId: string,
  ): Promise<CloudRun> {
    const spec = deps.cloudTasks[task]!;
    const started = clock.now();
    const result = await spec.run(cloud!.client, input, {
      privacy: options.privacy,
      idempotencyKey: decisionId,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onDelta ? { onDelta: options.onDelta } : {}),
    });
    budget.spend(options.agentId ?? 'global', result.cost);
    return { ...result, latencyMs: clock.now() - started };
  }

  /** The policy's decision, with the local model run first where its confidence is an input. */
  async function decide(
    task: string,
    input: unknown,
    options: InferOptions,
    decisionId: string,
  ): Promise<Decided> {
    let inputs = routeInputs(deps, task, input, options);
    let decision = decideRoute(inputs, policy);
    let localAnswer: LocalAnswer | undefined;
    let localMs = 0;
    let speculative: Decided['speculative'];
    // Run the local model unless the decision is already cloud-only, deferred or dropped: its confidence
    // is an input of the policy (seed §14: "run local classifier fast").
    if (
      inputs.localSupported &&
      (decision.route === 'local' ||
        decision.route === 'hybrid' ||
        CONFIDENCE_CODES.has(decision.code) ||
        decision.code === 'confident-local')
    ) {
      // Speculation (seed §6): when only the local confidence stands between us and the cloud, start the
      // cloud call now, so a hybrid refinement costs max(local, cloud) instead of their sum. Aborted if the
      // local answer turns out good enough (the endpoint may still bill a started request: opt-in).
      if (options.speculate && cloud && decision.code === 'low-confidence-cloud') {
        const controller = new AbortController();
        const signal = options.signal
          ? AbortSignal.any([options.signal, controller.signal])
          : controller.signal;
        const promise = runCloud(task, input, { ...options, signal }, decisionId);
        promise.catch(() => undefined); // handled where it is awaited, or deliberately dropped
        speculative = { promise, controller };
      }
      const t = clock.now();
      localAnswer = await local!.run(task, input, options.signal ? { signal: options.signal } : {});
      localMs = clock.now() - t;
      if (inputs.privacy !== 'local' && inputs.consent && inputs.cleared) {
        inputs = routeInputs(deps, task, input, options, localAnswer.confidence);
        decision = decideRoute(inputs, policy);
      } else {
        inputs = { ...inputs, localConfidence: localAnswer.confidence };
        decision = { ...decision, estimates: { ...decision.estimates, confidence: localAnswer.confidence } };
      }
    }
    return { decision, inputs, localAnswer, localMs, speculative };
  }

  /** A learned override, and what a reader of the decision needs: the endpoint, the consent that is missing. */
  function annotate(task: string, d: Decided, feats: Record<string, number | string | boolean>): Decision {
    let { decision } = d;
    const { localAnswer } = d;
    if (deps.learned && localAnswer && CONFIDENCE_CODES.has(decision.code)) {
      const p = deps.learned.predict(feats);
      if (p >= deps.learned.threshold) {
        decision = {
          ...decision,
          route: 'local',
          code: 'learned-local',
          reason: `learned router: local suffices with p=${p.toFixed(2)} ≥ ${deps.learned.threshold.toFixed(2)} (${decision.reason})`,
          estimates: { latencyMs: d.localMs, cost: 0, confidence: localAnswer.confidence },
        };
      }
    }
    if ((decision.route === 'cloud' || decision.route === 'hybrid') && cloud) {
      decision = { ...decision, endpoint: cloud.client.endpoint.id };
    }
    const spec = deps.cloudTasks[task];
    if (decision.code === 'no-consent' && cloud && spec) {
      decision = {
        ...decision,
        consentNeeded: { capability: spec.capability, endpoint: cloud.client.endpoint.id },
      };
    }
    return decision;
  }

  /** The decision on the bus, a refusal to send in the audit log. */
  function announce(task: string, decisionId: string, decision: Decision, options: InferOptions): void {
    bus.publish(
      'router.decision',
      { id: decisionId, task, ...decision, agentId: options.agentId ?? null },
      { privacy: 'private', qos: 'background' },
    );
    if (deps.audit && DENIED_CODES.has(decision.code)) {
      deps.audit
        .append({
          what: task,
          capability: deps.cloudTasks[task]?.capability ?? `cloud.${task}`,
          labels: [options.privacy],
          endpoint: cloud?.client.endpoint.id ?? 'none',
          bytes: 0,
          decision: 'denied',
          reason: `router ${decision.code}: ${decision.reason}`,
          requestId: decisionId,
        })
        .catch(() => undefined); // an unwritable log must not stop the answer; verify() shows the gap
    }
  }

  /** The local answer now, the cloud's refinement as `<topic>.refined` (or `.refine-failed`) later. */
  function hybrid(
    draft: LocalAnswer,
    cloudRun: Promise<CloudRun>,
    decisionId: string,
    topic: string,
    options: InferOptions,
  ): Promise<Merged | null> {
    bus.publish(
      `${topic}.draft`,
      { decisionId, output: draft.output, confidence: draft.confidence },
      { privacy: options.privacy, confidence: draft.confidence },
    );
    return cloudRun.then(
      async (r) => {
        const merged = mergeAnswers(draft, r);
        bus.publish(
          `${topic}.refined`,
          { decisionId, ...merged, cloud: r.output },
          { privacy: options.privacy, confidence: merged.confidence },
        );
        await log.outcome(decisionId, { latencyMs: r.latencyMs, cost: r.cost, agreement: merged.agreement });
        return merged;
      },
      async (err: unknown) => {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        bus.publish(`${topic}.refine-failed`, { decisionId, error: message }, { privacy: 'private' });
        await log.outcome(decisionId, { refineError: message });
        return null;
      },
    );
  }

  return {
    async infer(task, input, options) {
      const decisionId = newId();
      const started = clock.now();
      const decided = await decide(task, input, options, decisionId);
      const { localAnswer, localMs, speculative } = decided;
      const feats = {
        ...decisionFeatures(decided.inputs, options),
        ...localAnswer?.features,
        speculative: !!speculative,
      };
      const decision = annotate(task, decided, feats);
      announce(task, decisionId, decision, options);
      // A local answer's outcome is known now: one write instead of two on the hot path.
      log.record({
        id: decisionId,
        ts: started,
        task,
        route: decision.route,
        features: feats,
        ...(decision.route === 'local' ? { outcome: { latencyMs: localMs, cost: 0 } } : {}),
      });
      if (speculative && decision.route !== 'cloud' && decision.route !== 'hybrid') {
        speculative.controller.abort(new Error(`speculative cloud call not needed: ${decision.code}`));
      }
      const cloudRun = () => speculative?.promise ?? runCloud(task, input, options, decisionId);
      switch (decision.route) {
        case 'drop':
          return { decisionId, decision };
        case 'defer': {
          const spec = deps.cloudTasks[task]!;
          const queued = await deps.outbox!.enqueue(
            cloud!.client.endpoint.id,
            { ...spec.toOutbox!(input), privacy: options.privacy },
            decisionId,
          );
          return { decisionId, decision, queued };
        }
        case 'local':
          return { decisionId, decision, output: localAnswer!.output, confidence: localAnswer!.confidence };
        case 'cloud': {
          const r = await cloudRun();
          await log.outcome(decisionId, {
            latencyMs: r.latencyMs,
            cost: r.cost,
            ...(localAnswer ? { agreement: mergeAnswers(localAnswer, r).agreement } : {}),
          });
          return { decisionId, decision, output: r.output, confidence: r.confidence };
        }
        case 'hybrid': {
          const draft = localAnswer!;
          const refined = hybrid(draft, cloudRun(), decisionId, options.topic ?? `router.${task}`, options);
          return { decisionId, decision, output: draft.output, confidence: draft.confidence, refined };
        }
      }
    },
    flush: () => log.flush(),
    async feedback(decisionId, score) {
      if (!(score >= 0 && score <= 1)) throw new RangeError(`feedback score must be in 0..1, got ${score}`);
      await log.outcome(decisionId, { feedback: score });
    },
  };
}
