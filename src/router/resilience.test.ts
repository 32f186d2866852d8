import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseRetryAfter } from './http-retry';
import { createBudget } from './budget';
import { createCircuitBreaker } from './circuit-breaker';

describe('HTTP retry', () => {
  it('reads Retry-After as seconds or an HTTP date, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:03 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
  it('retries 408/425/429/5xx only, not 501', () => {
    const statuses = [400, 401, 404, 408, 425, 429, 500, 501, 503];
    expect(statuses.filter(isRetryableStatus)).toEqual([408, 425, 429, 500, 503]);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets one trial through after the cooldown, closes on success', () => {
    let t = 0;
    const states: string[] = [];
    const b = createCircuitBreaker({
      failureThreshold: 3,
      cooldownMs: 1000,
      now: () => t,
      onChange: (s) => states.push(s),
    });
    b.failure();
    b.failure();
    expect(b.state()).toBe('closed');
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    t = 1000;
    expect(b.state()).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one trial at a time
    b.success();
    expect(b.state()).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });
  it('re-opens when the trial fails, and release() frees the trial slot without a verdict', () => {
    let t = 0;
    const b = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 100, now: () => t });
    b.failure();
    t = 100;
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.reopensAt()).toBe(200);
  });
});

describe('budget', () => {
  it('takes the smallest of the agent and global caps, per session and per day', () => {
    let t = 0;
    const b = createBudget(
      { globalPerDay: 1, globalPerSession: 0.8, perAgentPerDay: 0.5, perAgentPerSession: 0.4 },
      () => t,
    );
    expect(b.remaining('a')).toBeCloseTo(0.4);
    b.spend('a', 0.3);
    expect(b.remaining('a')).toBeCloseTo(0.1);
    expect(b.remaining('b')).toBeCloseTo(0.4);
    b.spend('b', 0.4);
    expect(b.remaining('c')).toBeCloseTo(0.1); // global session cap 0.8 − 0.7
    t = 86_400_000; // next day: day caps renew, session caps do not
    expect(b.remaining('c')).toBeCloseTo(0.1);
    expect(() => b.spend('a', -1)).toThrow(/non-negative/);
    expect(() => b.spend('a', NaN)).toThrow(/non-negative/);
  });
});
