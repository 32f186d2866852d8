import { describe, expect, it } from 'vitest';
import {
  calibrateThreshold,
  evaluateLearnedRouter,
  learnedSufficiency,
  predictLogistic,
  scoreRouting,
  trainLogistic,
  type Outcome,
} from './learned';

// Rows where the local answer is good exactly when the SNR feature is high: a learnable rule.
function rows(): Outcome[] {
  const out: Outcome[] = [];
  for (let g = 0; g < 8; g++) {
    for (const snr of [30, 20, 10, 5, 0]) {
      const good = snr >= 10;
      out.push({
        group: `clip${g}`,
        x: [snr, g % 3],
        y: good ? 1 : 0,
        localQuality: good ? 0.95 : 0.3,
        cloudQuality: 0.95,
      });
    }
  }
  return out;
}

describe('learned router', () => {
  it('learns a separable rule', () => {
    const m = trainLogistic(rows(), ['snrDb', 'noise']);
    expect(predictLogistic(m, [30, 1])).toBeGreaterThan(0.8);
    expect(predictLogistic(m, [0, 1])).toBeLessThan(0.2);
    const s = learnedSufficiency(m, 0.5);
    expect(s.predict({ snrDb: 25, noise: 0 })).toBeGreaterThan(0.5);
  });

  it('rejects empty, ragged and non-finite training data', () => {
    expect(() => trainLogistic([], ['a'])).toThrow(/zero samples/);
    expect(() => trainLogistic([{ x: [1, 2], y: 1 }], ['a'])).toThrow(/expected 1/);
    expect(() => trainLogistic([{ x: [NaN], y: 1 }], ['a'])).toThrow(/non-finite/);
  });

  it('calibrates the lowest threshold that keeps the quality target', () => {
    const r = rows();
    const p = (o: Outcome) => o.x[0]! / 30;
    const t = calibrateThreshold(r, p, 0.95);
    expect(t).toBeCloseTo(10 / 30);
    expect(scoreRouting(r, (o) => p(o) >= t).quality).toBeGreaterThanOrEqual(0.95 * 0.95);
    expect(calibrateThreshold(r, () => 0.5, 1.5)).toBeGreaterThan(1); // unreachable target: never local
  });

  it('evaluates held-out groups: saves calls while keeping quality, between always-local and always-cloud', () => {
    const e = evaluateLearnedRouter(rows(), ['snrDb', 'noise']);
    expect(e.alwaysLocal.saved).toBe(1);
    expect(e.alwaysCloud.saved).toBe(0);
    expect(e.learned.saved).toBeCloseTo(0.6);
    expect(e.learned.quality).toBeGreaterThanOrEqual(0.95 * e.alwaysCloud.quality);
    expect(e.alwaysLocal.quality).toBeLessThan(0.95 * e.alwaysCloud.quality);
  });
});
