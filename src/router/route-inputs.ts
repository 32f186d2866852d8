// What the routing policy decides from: the task's cloud spec, consent and clearance for the endpoint, the
// local model's support and confidence, estimates, budget, network and circuit — and the same inputs as the
// flat features a decision record keeps for the learned router.
import type { InferOptions, RouterDeps } from './router';
import type { PolicyInputs } from './types';

export type RouteInputDeps = Pick<
  RouterDeps,
  'cloudTasks' | 'cloud' | 'network' | 'consent' | 'local' | 'budget' | 'outbox'
>;

export function routeInputs(
  deps: RouteInputDeps,
  task: string,
  input: unknown,
  options: InferOptions,
  localConfidence?: number,
): PolicyInputs {
  const { cloud, consent, local, budget } = deps;
  const spec = deps.cloudTasks[task];
  const endpoint = cloud?.client.endpoint;
  const network = deps.network();
  const measured = cloud?.client.rttMs();
  return {
    task,
    privacy: options.privacy,
    consent: !!(
      spec &&
      endpoint &&
      consent.isGranted({ capability: spec.capability, endpoint: endpoint.id })
    ),
    cleared: !!endpoint && !(options.privacy === 'private' && endpoint.clearance === 'public'),
    localSupported: !!local?.supports(task),
    ...(localConfidence !== undefined ? { localConfidence } : {}),
    complexity: options.complexity ?? spec?.complexity ?? 0.5,
    ...(options.latencyBudgetMs !== undefined ? { latencyBudgetMs: options.latencyBudgetMs } : {}),
    estimates: {
      localLatencyMs: local?.estimateLatencyMs(task) ?? 0,
      cloudLatencyMs: (measured ?? network.rttMs ?? 300) + 200,
      cloudCost: spec && endpoint ? spec.estimateCost(input, endpoint.costPer1kTokens) : 0,
    },
    budgetRemaining: budget.remaining(options.agentId ?? 'global'),
    network: measured !== undefined ? { ...network, rttMs: measured } : network,
    circuit: cloud?.breaker.state() ?? 'open',
    deferrable: !!options.deferrable && !!spec?.toOutbox && !!deps.outbox,
  };
}

export function decisionFeatures(
  inputs: PolicyInputs,
  options: InferOptions,
): Record<string, number | string | boolean> {
  return {
    task: inputs.task,
    privacy: inputs.privacy,
    localConfidence: inputs.localConfidence ?? -1,
    complexity: inputs.complexity,
    online: inputs.network.online,
    rttMs: inputs.network.rttMs ?? -1,
    effectiveType: inputs.network.effectiveType ?? 'unknown',
    circuit: inputs.circuit,
    budgetRemaining: inputs.budgetRemaining,
    latencyBudgetMs: inputs.latencyBudgetMs ?? -1,
    ...options.features,
  };
}
