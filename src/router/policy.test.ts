// Every branch of the routing policy, one row each.
import { describe, expect, it } from 'vitest';
import { decideRoute } from './policy';
import type { PolicyInputs, ReasonCode, Route } from './types';
import { DEFAULT_POLICY } from './types';

const base: PolicyInputs = {
  task: 'chat',
  privacy: 'private',
  consent: true,
  cleared: true,
  localSupported: true,
  localConfidence: 0.7,
  complexity: 0.3,
  estimates: { localLatencyMs: 50, cloudLatencyMs: 400, cloudCost: 0.01 },
  budgetRemaining: 1,
  network: { online: true, effectiveType: '4g', rttMs: 80 },
  circuit: 'closed',
  deferrable: false,
};

const rows: [string, Partial<PolicyInputs>, Route, ReasonCode][] = [
  [
    'local label stays local',
    { privacy: 'local', localConfidence: 0.1, complexity: 1 },
    'local',
    'privacy-local',
  ],
  [
    'local label without a local model is dropped',
    { privacy: 'local', localSupported: false },
    'drop',
    'privacy-local-unsupported',
  ],
  ['no consent → local', { consent: false, localConfidence: 0.1 }, 'local', 'no-consent'],
  ['no consent, no local model → drop', { consent: false, localSupported: false }, 'drop', 'no-consent'],
  ['endpoint not cleared → local', { cleared: false, localConfidence: 0.1 }, 'local', 'clearance'],
  [
    'endpoint not cleared, no local model → drop',
    { cleared: false, localSupported: false },
    'drop',
    'clearance',
  ],
  [
    'over budget → degraded local',
    { budgetRemaining: 0.001, localConfidence: 0.1 },
    'local',
    'budget-exceeded',
  ],
  [
    'over budget, no local model, deferrable → defer',
    { budgetRemaining: 0, localSupported: false, deferrable: true },
    'defer',
    'budget-exceeded-unsupported',
  ],
  [
    'over budget, no local model → drop',
    { budgetRemaining: 0, localSupported: false },
    'drop',
    'budget-exceeded-unsupported',
  ],
  [
    'latency budget below the cloud estimate → local',
    { latencyBudgetMs: 100, localConfidence: 0.1 },
    'local',
    'latency-budget',
  ],
  [
    'latency budget roomy → policy goes on',
    { latencyBudgetMs: 5000, localConfidence: 0.95 },
    'local',
    'confident-local',
  ],
  ['no local model, cloud up → cloud', { localSupported: false }, 'cloud', 'unsupported-cloud'],
  [
    'no local model, offline, deferrable → defer',
    { localSupported: false, network: { online: false }, deferrable: true },
    'defer',
    'cloud-unavailable-defer',
  ],
  [
    'no local model, circuit open → drop',
    { localSupported: false, circuit: 'open' },
    'drop',
    'cloud-unavailable-drop',
  ],
  ['complex task → cloud', { complexity: 0.9, localConfidence: 0.95 }, 'cloud', 'complex-cloud'],
  [
    'complex task but offline → confidence decides',
    { complexity: 0.9, localConfidence: 0.95, network: { online: false } },
    'local',
    'confident-local',
  ],
  ['confidence exactly 0.9 → local', { localConfidence: 0.9 }, 'local', 'confident-local'],
  ['confidence 0.49 → cloud', { localConfidence: 0.49 }, 'cloud', 'low-confidence-cloud'],
  [
    'confidence 0.49, offline → local fallback',
    { localConfidence: 0.49, network: { online: false } },
    'local',
    'low-confidence-fallback',
  ],
  [
    'confidence 0.49, round trip too slow → local fallback',
    { localConfidence: 0.49, network: { online: true, rttMs: 5000 } },
    'local',
    'low-confidence-fallback',
  ],
  [
    'confidence 0.49, slow round trip but a caller that waits longer → cloud',
    { localConfidence: 0.49, network: { online: true, rttMs: 5000 }, latencyBudgetMs: 30_000 },
    'cloud',
    'low-confidence-cloud',
  ],
  [
    'confidence 0.49, 2g → local fallback',
    { localConfidence: 0.49, network: { online: true, effectiveType: '2g' } },
    'local',
    'low-confidence-fallback',
  ],
  ['confidence 0.5 → hybrid', { localConfidence: 0.5 }, 'hybrid', 'mid-confidence-hybrid'],
  [
    'confidence 0.7, circuit half-open → hybrid (trial allowed)',
    { circuit: 'half-open' },
    'hybrid',
    'mid-confidence-hybrid',
  ],
  ['confidence 0.7, circuit open → local', { circuit: 'open' }, 'local', 'mid-confidence-local'],
  [
    'no confidence measured counts as 0 → cloud',
    { localConfidence: undefined },
    'cloud',
    'low-confidence-cloud',
  ],
];

describe('decideRoute', () => {
  it.each(rows)('%s', (_name, patch, route, code) => {
    const d = decideRoute({ ...base, ...patch } as PolicyInputs);
    expect(d.route).toBe(route);
    expect(d.code).toBe(code);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  it('covers every reason code the policy can give', () => {
    const codes = new Set(rows.map((r) => r[3]));
    for (const c of [
      'privacy-local',
      'privacy-local-unsupported',
      'no-consent',
      'clearance',
      'budget-exceeded',
      'budget-exceeded-unsupported',
      'latency-budget',
      'confident-local',
      'low-confidence-cloud',
      'low-confidence-fallback',
      'mid-confidence-hybrid',
      'mid-confidence-local',
      'complex-cloud',
      'unsupported-cloud',
      'cloud-unavailable-defer',
      'cloud-unavailable-drop',
    ] satisfies ReasonCode[]) {
      expect(codes.has(c)).toBe(true);
    }
  });

  it('honours configured thresholds and hybrid off', () => {
    const strict = { ...DEFAULT_POLICY, highConfidence: 0.99, lowConfidence: 0.8, hybridEnabled: false };
    expect(decideRoute({ ...base, localConfidence: 0.95 }, strict).code).toBe('mid-confidence-local');
    expect(decideRoute({ ...base, localConfidence: 0.7 }, strict).code).toBe('low-confidence-cloud');
  });

  it('gives estimates for the route it chose', () => {
    expect(decideRoute({ ...base, localConfidence: 0.95 }).estimates).toEqual({
      latencyMs: 50,
      cost: 0,
      confidence: 0.95,
    });
    expect(decideRoute({ ...base, localConfidence: 0.1 }).estimates).toMatchObject({
      latencyMs: 400,
      cost: 0.01,
    });
    expect(decideRoute({ ...base, localConfidence: 0.6 }).estimates).toMatchObject({
      latencyMs: 50,
      cost: 0.01,
    });
  });
});
