// The routing policy as one pure function (seed 000 §5/§14): hard privacy rule first, then consent and
// clearance, cost caps, latency budget, local confidence, complexity, network and endpoint health.
import type { Decision, PolicyConfig, PolicyInputs, ReasonCode, Route } from './types';
import { DEFAULT_POLICY } from './types';

function decision(route: Route, code: ReasonCode, reason: string, inputs: PolicyInputs): Decision {
  const e = inputs.estimates;
  const local = { latencyMs: e.localLatencyMs, cost: 0, confidence: inputs.localConfidence ?? 0 };
  const estimates =
    route === 'local'
      ? local
      : route === 'cloud'
        ? { latencyMs: e.cloudLatencyMs, cost: e.cloudCost, confidence: 0.95 }
        : route === 'hybrid'
          ? { latencyMs: e.localLatencyMs, cost: e.cloudCost, confidence: Math.max(local.confidence, 0.95) }
          : { latencyMs: 0, cost: 0, confidence: 0 };
  return { route, code, reason, estimates };
}

/** Can the cloud be reached and used right now? If not, says why. */
export function cloudBlocker(inputs: PolicyInputs, config: PolicyConfig): string | null {
  if (!inputs.network.online) return 'offline';
  if (inputs.circuit === 'open') return 'the endpoint circuit is open after repeated failures';
  // A slow link rules the cloud out only for callers who cannot wait that long: one that gives a longer
  // latency budget (a refinement off the interaction path) accepts the round trip it asked for.
  const maxRtt = Math.max(config.maxRttMs, inputs.latencyBudgetMs ?? 0);
  if (inputs.network.rttMs !== undefined && inputs.network.rttMs > maxRtt) {
    return `endpoint round trip ${Math.round(inputs.network.rttMs)} ms exceeds ${maxRtt} ms`;
  }
  if (inputs.network.effectiveType === 'slow-2g' || inputs.network.effectiveType === '2g') {
    return `connection is ${inputs.network.effectiveType}`;
  }
  return null;
}

export function decideRoute(inputs: PolicyInputs, config: PolicyConfig = DEFAULT_POLICY): Decision {
  const d = (route: Route, code: ReasonCode, reason: string) => decision(route, code, reason, inputs);
  const { localSupported: canLocal } = inputs;

  // 1. Privacy is a hard rule: local data is answered here or not at all.
  if (inputs.privacy === 'local') {
    return canLocal
      ? d('local', 'privacy-local', 'input is labelled local: it never leaves the device')
      : d('drop', 'privacy-local-unsupported', 'input is labelled local and no local model does this task');
  }
  const cloudNotAllowed = !inputs.consent
    ? ({ code: 'no-consent', why: `no consent to send ${inputs.task} to the cloud` } as const)
    : !inputs.cleared
      ? ({ code: 'clearance', why: `the endpoint is not cleared for ${inputs.privacy} data` } as const)
      : null;
  if (cloudNotAllowed) {
    return canLocal
      ? d('local', cloudNotAllowed.code, `${cloudNotAllowed.why}; answering locally`)
      : d('drop', cloudNotAllowed.code, `${cloudNotAllowed.why} and no local model does this task`);
  }
  // 2. Cost caps.
  if (inputs.estimates.cloudCost > inputs.budgetRemaining) {
    const why = `cloud cost ${inputs.estimates.cloudCost.toFixed(4)} exceeds the remaining budget ${inputs.budgetRemaining.toFixed(4)}`;
    if (canLocal) return d('local', 'budget-exceeded', `${why}; degraded to local`);
    return inputs.deferrable
      ? d('defer', 'budget-exceeded-unsupported', `${why}; waiting for the budget to renew`)
      : d('drop', 'budget-exceeded-unsupported', `${why} and no local model does this task`);
  }
  // 3. Latency budget too tight for a round trip.
  const budget = inputs.latencyBudgetMs;
  if (canLocal && budget !== undefined && budget < inputs.estimates.cloudLatencyMs) {
    return d(
      'local',
      'latency-budget',
      `latency budget ${budget} ms is below the cloud estimate ${Math.round(inputs.estimates.cloudLatencyMs)} ms`,
    );
  }
  const blocker = cloudBlocker(inputs, config);
  const unavailable = (): Decision =>
    inputs.deferrable
      ? d('defer', 'cloud-unavailable-defer', `cloud needed but unavailable (${blocker}); queued for later`)
      : d(
          'drop',
          'cloud-unavailable-drop',
          `cloud needed but unavailable (${blocker}) and the caller cannot wait`,
        );

  if (!canLocal) {
    return blocker ? unavailable() : d('cloud', 'unsupported-cloud', `no local model does ${inputs.task}`);
  }
  // 4. Complexity beyond what the local model handles.
  if (inputs.complexity > config.complexityThreshold && !blocker) {
    return d(
      'cloud',
      'complex-cloud',
      `task complexity ${inputs.complexity.toFixed(2)} exceeds ${config.complexityThreshold}`,
    );
  }
  // 5. Local confidence.
  const c = inputs.localConfidence ?? 0;
  if (c >= config.highConfidence) {
    return d('local', 'confident-local', `local confidence ${c.toFixed(2)} ≥ ${config.highConfidence}`);
  }
  if (c < config.lowConfidence) {
    return blocker
      ? d(
          'local',
          'low-confidence-fallback',
          `local confidence ${c.toFixed(2)} is low but cloud is unavailable (${blocker}); local fallback`,
        )
      : d('cloud', 'low-confidence-cloud', `local confidence ${c.toFixed(2)} < ${config.lowConfidence}`);
  }
  if (config.hybridEnabled && !blocker) {
    return d(
      'hybrid',
      'mid-confidence-hybrid',
      `local confidence ${c.toFixed(2)} between ${config.lowConfidence} and ${config.highConfidence}: local draft now, cloud refinement after`,
    );
  }
  return d(
    'local',
    'mid-confidence-local',
    `local confidence ${c.toFixed(2)} is middling and ${blocker ? `cloud is unavailable (${blocker})` : 'hybrid is off'}`,
  );
}
