import { describe, expect, it } from 'vitest';
import { levelFraction } from './level-scale';

describe('levelFraction', () => {
  it('maps −60…0 dBFS onto 0…1, clamped, with digital silence at 0', () => {
    expect(levelFraction(-Infinity)).toBe(0);
    expect(levelFraction(-80)).toBe(0);
    expect(levelFraction(-30)).toBe(0.5);
    expect(levelFraction(0)).toBe(1);
    expect(levelFraction(6)).toBe(1);
  });

  it('refuses NaN', () => {
    expect(() => levelFraction(NaN)).toThrow(/NaN/);
  });
});
