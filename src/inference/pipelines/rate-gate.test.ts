import { describe, expect, it } from 'vitest';
import { createRateGate } from './rate-gate';

describe('createRateGate', () => {
  it('admits the first input, then one per interval', () => {
    let t = 0;
    const gate = createRateGate(500, () => t);
    const admitted: number[] = [];
    for (t = 0; t <= 1600; t += 100) if (gate.admit()) admitted.push(t);
    expect(admitted).toEqual([0, 500, 1000, 1500]);
  });

  it('with 0 admits everything', () => {
    const gate = createRateGate(0, () => 42);
    expect([gate.admit(), gate.admit(), gate.admit()]).toEqual([true, true, true]);
  });

  it('refuses a negative or infinite interval', () => {
    expect(() => createRateGate(-1)).toThrow('a rate interval must be a finite number of ms ≥ 0 (got -1)');
    expect(() => createRateGate(Infinity)).toThrow(/finite/);
  });
});
