import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoff', () => {
  it('doubles from base and caps', () => {
    const p = { baseMs: 100, maxMs: 500 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p))).toEqual([100, 200, 400, 500, 500]);
  });
  it('draws below the cap with full jitter', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, { ...o, random: () => 1 }))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...o, random: () => 0.5 })).toBe(200);
  });
  it('treats attempt 0 or below as the first retry', () => {
    expect(backoffDelay(0, { baseMs: 100, maxMs: 500 })).toBe(100);
  });
});
