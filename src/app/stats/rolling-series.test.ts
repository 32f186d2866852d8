import { describe, expect, it } from 'vitest';
import { RollingSeries } from './rolling-series';

describe('RollingSeries', () => {
  it('keeps the last N samples as aligned columns', () => {
    const s = new RollingSeries(['p50', 'p99'], 2);
    s.add(1, [1, 2]);
    s.add(2, [3, NaN]);
    s.add(3, [5, 6]);
    expect(s.data()).toEqual([
      [2, 3],
      [3, 5],
      [0, 6],
    ]);
  });

  it('keeps null as a gap (nothing measured), unlike NaN', () => {
    const s = new RollingSeries(['p50'], 3);
    s.add(1, [null]);
    s.add(2, [NaN]);
    expect(s.data()).toEqual([
      [1, 2],
      [null, 0],
    ]);
  });

  it('refuses a sample with the wrong number of values', () => {
    expect(() => new RollingSeries(['a']).add(1, [1, 2])).toThrow(/expected 1 values \(a\), got 2/);
  });
});
