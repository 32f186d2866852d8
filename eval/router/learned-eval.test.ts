import { describe, expect, it } from 'vitest';
import {
  learnedSufficiency,
  predictLogistic,
  predictModel,
  predictStumps,
  trainLogistic,
  trainStumps,
} from '../../src/router/learned';
import {
  LEARNERS,
  NEVER_LOCAL,
  byQualityLoss,
  calibrateThreshold,
  crossCalibrate,
  evaluateLearnedRouter,
  fitRouter,
  scoreRouting,
  type Outcome,
} from './learned-eval';

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

describe('logistic regression', () => {
  it('learns a separable rule, and its l2 keeps the weights finite', () => {
    const m = trainLogistic(rows(), ['snrDb', 'noise'], { l2: 0.01 });
    expect(predictLogistic(m, [30, 1])).toBeGreaterThan(0.8);
    expect(predictLogistic(m, [0, 1])).toBeLessThan(0.2);
    expect(m.weights.every(Number.isFinite)).toBe(true);
    // Stronger ridge, flatter probabilities.
    const flat = trainLogistic(rows(), ['snrDb', 'noise'], { l2: 10 });
    expect(predictLogistic(flat, [30, 1])).toBeLessThan(predictLogistic(m, [30, 1]));
  });

  it('honours sample weights', () => {
    // The same input labelled both ways: the weights decide which way it leans.
    const samples = [
      { x: [1], y: 1 as const, weight: 3 },
      { x: [1], y: 0 as const, weight: 1 },
    ];
    expect(predictLogistic(trainLogistic(samples, ['a']), [1])).toBeCloseTo(0.75, 3);
  });

  it('rejects empty, ragged, non-finite, mislabelled and badly weighted data, naming the problem', () => {
    expect(() => trainLogistic([], ['a'])).toThrow(/zero samples/);
    expect(() => trainLogistic([{ x: [1, 2], y: 1 }], ['a'])).toThrow(/sample 0 has 2 features, expected 1/);
    expect(() => trainLogistic([{ x: [NaN], y: 1 }], ['snrDb'])).toThrow(/non-finite feature "snrDb"/);
    expect(() => trainLogistic([{ x: [1], y: 2 as 1 }], ['a'])).toThrow(/label 2/);
    expect(() => trainLogistic([{ x: [1], y: 1, weight: -1 }], ['a'])).toThrow(/weight -1/);
    expect(() => trainLogistic([{ x: [1], y: 1 }], ['a'], { l2: 0 })).toThrow(/l2 must be positive/);
  });
});

describe('boosted stumps', () => {
  it('learns a band that no single linear boundary separates', () => {
    // Local suffices only for mid values of the feature (e.g. a normal speaking rate).
    const samples = Array.from({ length: 60 }, (_, i) => ({
      x: [i],
      y: (i >= 20 && i < 40 ? 1 : 0) as 0 | 1,
    }));
    const m = trainStumps(samples, ['rate']);
    expect(predictStumps(m, [30])).toBeGreaterThan(0.7);
    expect(predictStumps(m, [5])).toBeLessThan(0.3);
    expect(predictStumps(m, [55])).toBeLessThan(0.3);
    const linear = trainLogistic(samples, ['rate']);
    expect(Math.abs(predictLogistic(linear, [30]) - predictLogistic(linear, [5]))).toBeLessThan(0.3);
  });

  it('splits nothing on constant features and predicts the base rate', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ x: [1], y: (i < 15 ? 1 : 0) as 0 | 1 }));
    const m = trainStumps(samples, ['c']);
    expect(m.stumps).toHaveLength(0);
    expect(predictModel(m, [1])).toBeCloseTo(0.75, 6);
  });

  it('rejects what logistic regression rejects', () => {
    expect(() => trainStumps([], ['a'])).toThrow(/zero samples/);
    expect(() => predictModel(trainStumps([{ x: [1], y: 1 }], ['a']), [1, 2])).toThrow(
      /expects 1 features \(a\), got 2/,
    );
  });
});

describe('threshold calibration', () => {
  it('keeps rows local from the most confident down while the quality target holds', () => {
    const r = rows();
    const p = (o: Outcome) => o.x[0]! / 30;
    const t = calibrateThreshold(r, p, 0.95);
    expect(t).toBeCloseTo(10 / 30);
    expect(scoreRouting(r, (o) => p(o) >= t).quality).toBeGreaterThanOrEqual(0.95 * 0.95);
    expect(calibrateThreshold(r, () => 0.5, 1.5)).toBe(NEVER_LOCAL); // unreachable target: never local
  });

  it('stops at the first breach, even if a lower threshold would meet the target again', () => {
    const row = (p: number, local: number): Outcome => ({
      group: String(p),
      x: [p],
      y: 1,
      localQuality: local,
      cloudQuality: 0.5,
    });
    // Most confident row is bad; the next two are better locally than in the cloud.
    const r = [row(0.9, 0), row(0.8, 1), row(0.7, 1)];
    expect(calibrateThreshold(r, (o) => o.x[0]!, 0.95)).toBe(NEVER_LOCAL);
    // Lowest threshold that meets the target would have been 0.7 (quality 2/3 ≥ 0.95 × 0.5).
    expect(scoreRouting(r, () => true).quality).toBeGreaterThan(0.95 * 0.5);
  });

  it('moves rows of equal probability together', () => {
    const row = (local: number): Outcome => ({
      group: 'g',
      x: [0],
      y: 1,
      localQuality: local,
      cloudQuality: 1,
    });
    // One of two tied rows breaks the target: neither may be kept local alone.
    expect(calibrateThreshold([row(1), row(0)], () => 0.5, 0.95)).toBe(NEVER_LOCAL);
  });

  it('refuses a bad target and non-finite predictions', () => {
    expect(() => calibrateThreshold(rows(), () => 0.5, 0)).toThrow(/target must be > 0/);
    expect(() => calibrateThreshold(rows(), () => NaN, 0.95)).toThrow(/group "clip0" is NaN/);
  });
});

describe('cross-calibration', () => {
  // Four groups; in each, rows ordered by p, and one group's best-looking row is a local failure that only
  // shows when that group is held out.
  function groups(): Outcome[] {
    const out: Outcome[] = [];
    for (let g = 0; g < 4; g++)
      for (let k = 0; k < 5; k++) {
        const bad = (g === 0 && k === 4) || k === 0;
        out.push({
          group: `g${g}`,
          x: [k + g / 10],
          y: bad ? 0 : 1,
          localQuality: bad ? 0 : 1,
          cloudQuality: 1,
        });
      }
    return out;
  }

  it('adds the margin the target needs on held-out groups, and validates on them', () => {
    const r = groups();
    const p = (o: Outcome) => o.x[0]!;
    const c = crossCalibrate(r, p, 0.9);
    expect(c.margin).toBeGreaterThanOrEqual(0);
    expect(c.validation.quality).toBeGreaterThanOrEqual(0.9);
    // The threshold the margin implies, on all rows, is no looser than the one without it.
    expect(c.threshold).toBeGreaterThanOrEqual(calibrateThreshold(r, p, 0.9));
    expect(scoreRouting(r, (o) => p(o) >= c.threshold).quality).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps everything in the cloud when no margin keeps the target', () => {
    // The clip that looks safest is the one the local model gets wrong: seen from the other clips, any
    // threshold keeps it local.
    const row = (group: string, p: number, local: number): Outcome => ({
      group,
      x: [p],
      y: local ? 1 : 0,
      localQuality: local,
      cloudQuality: 1,
    });
    const r = [
      row('a', 0.1, 1),
      row('a', 0.1, 1),
      row('b', 0.2, 1),
      row('b', 0.2, 1),
      row('c', 0.9, 0),
      row('c', 0.9, 0),
    ];
    expect(calibrateThreshold(r, (o) => o.x[0]!, 0.9)).toBe(NEVER_LOCAL);
    const c = crossCalibrate(r, (o) => o.x[0]!, 0.9);
    expect(c.threshold).toBe(NEVER_LOCAL);
    expect(c.validation).toEqual({ saved: 0, quality: 1 });
    expect(c.margin).toBeNaN();
  });

  it('needs two groups', () => {
    expect(() =>
      crossCalibrate(
        groups().filter((o) => o.group === 'g1'),
        () => 0.5,
        0.9,
      ),
    ).toThrow(/at least 2 groups/);
  });
});

describe('fitting and evaluating the router', () => {
  it('can learn from quality lost instead of agreement', () => {
    const r: Outcome[] = [
      // Disagrees with the cloud, but both are equally wrong: nothing lost by keeping it local.
      { group: 'a', x: [0], y: 0, localQuality: 0.2, cloudQuality: 0.2 },
      { group: 'b', x: [1], y: 0, localQuality: 0.5, cloudQuality: 1 },
      { group: 'c', x: [2], y: 1, localQuality: 0.95, cloudQuality: 1 },
    ];
    expect(byQualityLoss(r).map((s) => s.y)).toEqual([1, 0, 1]);
    expect(LEARNERS.logisticOnQuality.fit(r, ['f']).kind).toBe('logistic');
  });

  it('chooses the learner that saves most out of fold, calibrated to the target', () => {
    const f = fitRouter(rows(), ['snrDb', 'noise']);
    expect(f.validation.quality).toBeGreaterThanOrEqual(0.95 * 0.95);
    expect(f.validation.saved).toBeCloseTo(0.6);
    expect(predictModel(f.model, [30, 0])).toBeGreaterThanOrEqual(f.threshold);
    expect(predictModel(f.model, [0, 0])).toBeLessThan(f.threshold);
  });

  it('needs two groups to validate and at least one learner', () => {
    expect(() =>
      fitRouter(
        rows().filter((r) => r.group === 'clip0'),
        ['snrDb', 'noise'],
      ),
    ).toThrow(/at least 2 groups, got 1/);
    expect(() => fitRouter(rows(), ['snrDb', 'noise'], { learners: [] })).toThrow(/at least one learner/);
  });

  it('evaluates held-out groups: saves calls while keeping quality, between always-local and always-cloud', () => {
    const e = evaluateLearnedRouter(rows(), ['snrDb', 'noise']);
    expect(e.alwaysLocal.saved).toBe(1);
    expect(e.alwaysCloud.saved).toBe(0);
    expect(e.learned.saved).toBeCloseTo(0.6);
    expect(e.learned.quality).toBeGreaterThanOrEqual(0.95 * e.alwaysCloud.quality);
    expect(e.alwaysLocal.quality).toBeLessThan(0.95 * e.alwaysCloud.quality);
    expect(e.oracle.saved).toBeCloseTo(0.6);
    expect(e.folds.map((f) => f.group)).toEqual([
      'clip0',
      'clip1',
      'clip2',
      'clip3',
      'clip4',
      'clip5',
      'clip6',
      'clip7',
    ]);
  });

  it('gains nothing from what only identifies the held-out clip', () => {
    // Whether local suffices depends on the clip alone, and the features only say which clip it is (one-hot):
    // a model that saw the clip routes it perfectly, one that did not (leave-one-clip-out) has nothing to go on.
    const names = Array.from({ length: 10 }, (_, g) => `isClip${g}`);
    const r: Outcome[] = [];
    for (let g = 0; g < 10; g++)
      for (let k = 0; k < 4; k++)
        r.push({
          group: `c${g}`,
          x: names.map((_, j) => (j === g ? 1 : 0)),
          y: g % 2 ? 1 : 0,
          localQuality: g % 2 ? 1 : 0,
          cloudQuality: 1,
        });
    const leaky = fitRouter(r, names, {
      learners: [{ name: 'logistic', fit: (s, f) => trainLogistic(s, f, { l2: 0.01 }) }],
    });
    expect(r.filter((o) => predictModel(leaky.model, o.x) >= 0.5).every((o) => o.y === 1)).toBe(true);
    const e = evaluateLearnedRouter(r, names);
    expect(e.oracle.saved).toBe(0.5);
    expect(e.learned.saved).toBe(0);
    expect(e.learned.quality).toBe(1);
  });
});

describe('learnedSufficiency', () => {
  it('reads features by name, booleans as 0/1, and cannot judge a decision missing one', () => {
    const m = trainLogistic(rows(), ['snrDb', 'noise']);
    const s = learnedSufficiency(m, 0.5);
    expect(s.predict({ snrDb: 25, noise: 0 })).toBeGreaterThan(0.5);
    expect(s.predict({ snrDb: 25, noise: false })).toBeCloseTo(s.predict({ snrDb: 25, noise: 0 }));
    expect(s.predict({ noise: 0 })).toBeNaN();
    expect(s.predict({ snrDb: 'loud', noise: 0 })).toBeNaN();
    expect(s.predict({ snrDb: 25, noise: 0 }) >= s.threshold).toBe(true);
  });
});
