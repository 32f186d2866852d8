// The router's vocabulary: routes, decisions with reasons, and the inputs a decision is made from.
import type { Privacy } from '../events/event';

export type Route = 'local' | 'cloud' | 'hybrid' | 'defer' | 'drop';

/** Why a decision went the way it did; one code per policy branch. */
export type ReasonCode =
  | 'privacy-local'
  | 'privacy-local-unsupported'
  | 'no-consent'
  | 'clearance'
  | 'budget-exceeded'
  | 'budget-exceeded-unsupported'
  | 'latency-budget'
  | 'confident-local'
  | 'low-confidence-cloud'
  | 'low-confidence-fallback'
  | 'mid-confidence-hybrid'
  | 'mid-confidence-local'
  | 'complex-cloud'
  | 'unsupported-cloud'
  | 'cloud-unavailable-defer'
  | 'cloud-unavailable-drop'
  | 'learned-local';

export interface Estimates {
  latencyMs: number;
  cost: number;
  confidence: number;
}

export interface Decision {
  route: Route;
  reason: string;
  code: ReasonCode;
  estimates: Estimates;
  /** The endpoint a cloud or hybrid decision goes to. */
  endpoint?: string;
  /** On `no-consent`: the grant that would let this task go to the endpoint in use (offered to the user). */
  consentNeeded?: { capability: string; endpoint: string };
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface NetworkState {
  online: boolean;
  /** navigator.connection.effectiveType where known: 'slow-2g' | '2g' | '3g' | '4g'. */
  effectiveType?: string;
  /** Measured round trip to the endpoint, ms (median of recent requests). */
  rttMs?: number;
}

export interface PolicyInputs {
  task: string;
  privacy: Privacy;
  /** Consent for this task's capability on the chosen endpoint. */
  consent: boolean;
  /** The endpoint's clearance allows data of this label. */
  cleared: boolean;
  /** Whether a local model can do this task at all. */
  localSupported: boolean;
  /** The local model's confidence in its own answer, when it ran (0..1). */
  localConfidence?: number;
  /** 0 (trivial) .. 1 (needs a big model). */
  complexity: number;
  latencyBudgetMs?: number;
  estimates: { localLatencyMs: number; cloudLatencyMs: number; cloudCost: number };
  /** What may still be spent: the smaller of the agent's and the global cap, per day and per session. */
  budgetRemaining: number;
  network: NetworkState;
  circuit: CircuitState;
  /** The caller accepts a late answer (it can wait in the offline queue). */
  deferrable: boolean;
}

export interface PolicyConfig {
  /** At or above: local is good enough. */
  highConfidence: number;
  /** Below: local is not to be trusted. */
  lowConfidence: number;
  /** Above: the task needs the cloud even when local is unsure of nothing. */
  complexityThreshold: number;
  /** Cloud is considered unusable when the measured round trip exceeds this. */
  maxRttMs: number;
  /** Hybrid when between the thresholds (else local). */
  hybridEnabled: boolean;
}

export const DEFAULT_POLICY: PolicyConfig = {
  highConfidence: 0.9,
  lowConfidence: 0.5,
  complexityThreshold: 0.7,
  maxRttMs: 2000,
  hybridEnabled: true,
};
