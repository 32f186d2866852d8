import { describe, expect, it } from 'vitest';
import type { ReasonCode, Route } from './types';
import {
  CloudCallStats,
  DecisionLog,
  describeCost,
  percent,
  toDecisionRecord,
  type DecisionRecord,
} from './decision-stats';

let n = 0;
function decision(route: Route, code: ReasonCode): DecisionRecord {
  n++;
  return {
    id: `d${n}`,
    task: 'chat',
    agentId: null,
    ts: n,
    route,
    code,
    reason: code,
    estimates: { latencyMs: 10, cost: 0, confidence: 0.5 },
  };
}

describe('DecisionLog', () => {
  it('has no shares before the first decision', () => {
    const s = new DecisionLog().summary();
    expect(s).toMatchObject({ total: 0, cloud: 0, cloudShare: null, fallbackRate: null });
    expect(percent(s.cloudShare)).toBe('—');
  });

  it('counts cloud and hybrid as cloud, and fallbacks by where the request went instead', () => {
    const log = new DecisionLog();
    log.add(decision('local', 'confident-local'));
    log.add(decision('cloud', 'low-confidence-cloud'));
    log.add(decision('hybrid', 'mid-confidence-hybrid'));
    log.add(decision('local', 'low-confidence-fallback'));
    log.add(decision('defer', 'cloud-unavailable-defer'));
    log.add(decision('drop', 'cloud-unavailable-drop'));
    log.add(decision('drop', 'no-consent'));
    log.add(decision('local', 'privacy-local'));
    const s = log.summary();
    expect(s.total).toBe(8);
    expect(s.byRoute).toEqual({ local: 3, cloud: 1, hybrid: 1, defer: 1, drop: 2 });
    expect(s.cloud).toBe(2);
    expect(s.cloudShare).toBe(2 / 8);
    expect(s.fallbacks).toEqual({ local: 1, outbox: 1, dropped: 1 });
    // Wanted the cloud 5 times (2 sent + 3 unavailable); 3 of them did not get it.
    expect(s.fallbackRate).toBe(3 / 5);
    expect(percent(s.fallbackRate)).toBe('60%');
  });

  it('counts a hybrid whose refinement failed as a fallback to local, not as a new decision', () => {
    const log = new DecisionLog();
    log.add(decision('hybrid', 'mid-confidence-hybrid'));
    log.add(decision('hybrid', 'mid-confidence-hybrid'));
    log.refineFailed();
    const s = log.summary();
    expect(s.total).toBe(2);
    expect(s.fallbacks.local).toBe(1);
    expect(s.fallbackRate).toBe(0.5);
  });

  it('keeps only the newest decisions for display, newest first, but totals all', () => {
    const log = new DecisionLog(3);
    const all = Array.from({ length: 5 }, () => decision('local', 'confident-local'));
    for (const d of all) log.add(d);
    expect(log.latest().map((d) => d.id)).toEqual([all[4]!.id, all[3]!.id, all[2]!.id]);
    expect(log.summary().total).toBe(5);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new DecisionLog(0)).toThrow('capacity must be ≥ 1, got 0');
  });
});

describe('toDecisionRecord', () => {
  it('reads a router.decision payload', () => {
    const r = toDecisionRecord(
      {
        id: 'x',
        task: 'chat',
        route: 'cloud',
        code: 'unsupported-cloud',
        reason: 'no local model does chat',
        estimates: { latencyMs: 500, cost: 0.01, confidence: 0.95 },
        endpoint: 'dev',
      },
      42,
    );
    expect(r).toMatchObject({ id: 'x', agentId: null, ts: 42, endpoint: 'dev' });
  });

  it.each([
    [null, 'is not an object'],
    [{ route: 'local' }, 'has no id'],
    [{ id: 'x', reason: 'r' }, 'has no route'],
    [{ id: 'x', route: 'local' }, 'has no reason'],
    [{ id: 'x', route: 'local', reason: 'r' }, 'has no estimates'],
  ])('names what a bad payload lacks: %j', (payload, problem) => {
    expect(() => toDecisionRecord(payload, 0)).toThrow(`router.decision payload ${problem}`);
  });
});

describe('describeCost', () => {
  it('says spend against the caps, or that there is none', () => {
    expect(describeCost({ session: 0.0123, day: 0.5, sessionCap: 1, dayCap: null })).toEqual({
      session: '0.0123 of 1.00 this session',
      day: '0.5000 this day (no cap)',
      capped: false,
    });
  });

  it('flags a reached cap, per session or per day', () => {
    expect(describeCost({ session: 1, day: 1, sessionCap: 1, dayCap: null }).capped).toBe(true);
    expect(describeCost({ session: 0, day: 2, sessionCap: null, dayCap: 1.5 }).capped).toBe(true);
  });
});

describe('CloudCallStats', () => {
  it('counts answered, retried and failed attempts and keeps the last problem', () => {
    const c = new CloudCallStats();
    expect(c.describe()).toBe('0 answered, 0 retried, 0 failed');
    c.record({ attempt: 1, outcome: 'retry', status: 500, delayMs: 250 });
    c.record({ attempt: 2, outcome: 'ok', status: 200, ms: 40 });
    c.record({ attempt: 1, outcome: 'retry', error: 'TypeError: Failed to fetch', delayMs: 250 });
    c.record({ attempt: 2, outcome: 'fail', status: 429, error: 'HTTP 429: slow down' });
    expect(c.describe()).toBe('1 answered, 2 retried, 1 failed (last problem: HTTP 429: slow down)');
  });

  it('names a retry by its status when it has no error text', () => {
    const c = new CloudCallStats();
    c.record({ attempt: 1, outcome: 'retry', status: 503, delayMs: 100 });
    expect(c.lastError).toBe('HTTP 503');
  });
});
