// Offline evaluation and threshold calibration of the learned router on recorded decisions, RouteLLM's way:
// a threshold is chosen on out-of-fold predictions so that routing keeps a quality target, and every number
// reported for a clip comes from models that never saw that clip (nor any noisy variant of it).
import type { Sample } from '../../src/router/learned-data';
import { predictModel, type LearnedModel } from '../../src/router/learned-model';
import { trainLogistic } from '../../src/router/learned-logistic';
import { trainStumps } from '../../src/router/learned-stumps';

/** One recorded decision with what each route would have scored (quality 0..1, e.g. 1 − WER). */
export interface Outcome extends Sample {
  /** Rows of one group (a clip and its noisy variants) are held out together. */
  group: string;
  localQuality: number;
  cloudQuality: number;
}

export interface PolicyScore {
  /** Fraction of calls kept local (cloud calls saved). */
  saved: number;
  quality: number;
}

export function scoreRouting(rows: readonly Outcome[], keepLocal: (r: Outcome) => boolean): PolicyScore {
  let saved = 0;
  let quality = 0;
  for (const r of rows) {
    const local = keepLocal(r);
    if (local) saved++;
    quality += local ? r.localQuality : r.cloudQuality;
  }
  return { saved: saved / rows.length, quality: quality / rows.length };
}

/** Threshold that keeps nothing local. */
export const NEVER_LOCAL = Number.POSITIVE_INFINITY;

/**
 * Walks the rows from the most to the least likely to suffice locally, keeping each group of equal
 * probability local while routing keeps at least `target` of always-cloud quality, and stops at the first
 * that would break it: the threshold is the probability of the last row kept. Stopping at the first breach
 * (rather than taking the lowest threshold that happens to meet the target) keeps the target at every
 * stricter threshold too, so a lucky run of rows that the draft got right cannot buy a threshold.
 */
export function calibrateThreshold(
  rows: readonly Outcome[],
  p: (r: Outcome) => number,
  target: number,
): number {
  if (!(target > 0 && Number.isFinite(target)))
    throw new RangeError(`quality target must be > 0, got ${target}`);
  const scored = rows.map((r) => ({ r, p: p(r) }));
  const bad = scored.find((s) => !Number.isFinite(s.p));
  if (bad) throw new RangeError(`prediction for a row of group "${bad.r.group}" is ${bad.p}`);
  scored.sort((a, b) => b.p - a.p);
  const goal = target * rows.reduce((a, r) => a + r.cloudQuality, 0);
  let quality = rows.reduce((a, r) => a + r.cloudQuality, 0);
  let threshold = NEVER_LOCAL;
  for (let i = 0; i < scored.length;) {
    const at = scored[i]!.p;
    let j = i;
    for (; j < scored.length && scored[j]!.p === at; j++)
      quality += scored[j]!.r.localQuality - scored[j]!.r.cloudQuality;
    if (quality < goal - 1e-12) break;
    threshold = at;
    i = j;
  }
  return threshold;
}

/** A way to fit a model: the candidates the router chooses among by out-of-fold validation. */
export interface Learner {
  name: string;
  /** Fits on recorded decisions; may learn from their qualities, not only their labels. */
  fit(rows: readonly Outcome[], features: string[]): LearnedModel;
}

/** A row "lost nothing" when keeping it local cost at most this much quality (1 − WER) against the cloud. */
export const QUALITY_LOSS_TOLERANCE = 0.1;

/**
 * Relabels rows by what the evaluation measures — did keeping it local lose quality? — rather than by
 * agreement with the cloud answer (which also counts as failures the rows where both are wrong, differently).
 * Only recorded sets with references have it; logged live decisions have agreement alone.
 */
export function byQualityLoss(rows: readonly Outcome[]): Sample[] {
  return rows.map((r) => ({
    x: r.x,
    y: r.cloudQuality - r.localQuality <= QUALITY_LOSS_TOLERANCE ? 1 : 0,
  }));
}

/** Learners the router can choose among. */
export const LEARNERS = {
  logistic: { name: 'logistic (l2 = 1)', fit: (s, f) => trainLogistic(s, f, { l2: 1 }) },
  logisticLooser: { name: 'logistic (l2 = 0.1)', fit: (s, f) => trainLogistic(s, f, { l2: 0.1 }) },
  stumps: { name: 'boosted stumps', fit: (s, f) => trainStumps(s, f) },
  logisticOnQuality: {
    name: 'logistic on quality lost (l2 = 1)',
    fit: (s, f) => trainLogistic(byQualityLoss(s), f, { l2: 1 }),
  },
} satisfies Record<string, Learner>;

/**
 * One strongly regularised logistic regression. Choosing among several learners by validation picks the
 * luckiest on a hundred-odd decisions, and that luck is gone on new clips (the bench shows it).
 */
export const DEFAULT_LEARNERS: readonly Learner[] = [LEARNERS.logistic];

/** Each row's prediction from a model fitted without the row's group. */
export function outOfFold(
  rows: readonly Outcome[],
  features: string[],
  learner: Learner,
): Map<Outcome, number> {
  const groups = [...new Set(rows.map((r) => r.group))];
  if (groups.length < 2)
    throw new RangeError(`out-of-fold predictions need at least 2 groups, got ${groups.length}`);
  const out = new Map<Outcome, number>();
  for (const g of groups) {
    const model = learner.fit(
      rows.filter((r) => r.group !== g),
      features,
    );
    for (const r of rows) if (r.group === g) out.set(r, predictModel(model, r.x));
  }
  return out;
}

/** Margins over the quality target that cross-calibration tries, smallest first. */
export const CALIBRATION_MARGINS: readonly number[] = [0, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05];

export interface Calibration {
  threshold: number;
  /** Added to the target when calibrating: what the threshold needs to keep the target on unseen groups. */
  margin: number;
  /** Each group routed by a threshold calibrated without it: an honest estimate of what the router does. */
  validation: PolicyScore;
}

/**
 * A threshold set at the edge of the target on some groups lands on either side of it on new ones: the
 * calibration is fitted too. Cross-calibration measures by how much. Each group is routed by a threshold
 * calibrated on the other groups' out-of-fold predictions (no refitting: only thresholds move); the smallest
 * margin over the target for which that routing still keeps the target is the one used on all the rows.
 * When no margin does, nothing is kept local.
 */
export function crossCalibrate(
  rows: readonly Outcome[],
  p: (r: Outcome) => number,
  target: number,
  margins: readonly number[] = CALIBRATION_MARGINS,
): Calibration {
  const groups = [...new Set(rows.map((r) => r.group))];
  if (groups.length < 2)
    throw new RangeError(`cross-calibration needs at least 2 groups, got ${groups.length}`);
  const goal = target * scoreRouting(rows, () => false).quality;
  for (const margin of margins) {
    const local = new Set<Outcome>();
    for (const g of groups) {
      const t = calibrateThreshold(
        rows.filter((r) => r.group !== g),
        p,
        target + margin,
      );
      for (const r of rows) if (r.group === g && p(r) >= t) local.add(r);
    }
    const validation = scoreRouting(rows, (r) => local.has(r));
    if (validation.quality >= goal - 1e-12)
      return { threshold: calibrateThreshold(rows, p, target + margin), margin, validation };
  }
  return { threshold: NEVER_LOCAL, margin: Number.NaN, validation: scoreRouting(rows, () => false) };
}

export interface FittedRouter {
  learner: string;
  model: LearnedModel;
  threshold: number;
  margin: number;
  /** The chosen learner's cross-calibrated out-of-fold routing of the rows it was fitted on. */
  validation: PolicyScore;
}

export interface FitOptions {
  /** Fraction of always-cloud quality to keep (default 0.95). */
  target?: number;
  learners?: readonly Learner[];
}

/**
 * What the router runs on its own recorded decisions: for each candidate learner, out-of-fold predictions
 * over the groups and a cross-calibrated threshold for the target; the candidate whose validation saves
 * most (the first on a tie: list simpler ones first) is refitted on every row.
 */
export function fitRouter(rows: readonly Outcome[], features: string[], o: FitOptions = {}): FittedRouter {
  const target = o.target ?? 0.95;
  const learners = o.learners ?? DEFAULT_LEARNERS;
  if (learners.length === 0) throw new RangeError('fitRouter needs at least one learner');
  let best: { learner: Learner; calibration: Calibration } | undefined;
  for (const learner of learners) {
    const oof = outOfFold(rows, features, learner);
    const calibration = crossCalibrate(rows, (r) => oof.get(r)!, target);
    if (!best || calibration.validation.saved > best.calibration.validation.saved)
      best = { learner, calibration };
  }
  const { learner, calibration } = best!;
  return {
    learner: learner.name,
    model: learner.fit(rows, features),
    threshold: calibration.threshold,
    margin: calibration.margin,
    validation: calibration.validation,
  };
}

export interface Evaluation {
  alwaysCloud: PolicyScore;
  alwaysLocal: PolicyScore;
  learned: PolicyScore;
  /** With hindsight: rows kept local in order of what they really cost, to the same target (an upper bound). */
  oracle: PolicyScore;
  /** Per held-out group: the learner chosen and the threshold calibrated without it. */
  folds: { group: string; learner: string; threshold: number; margin: number }[];
}

/**
 * Leave-one-group-out: for each group, fitRouter on the other groups (learner choice and threshold
 * included, so nothing is tuned on the held-out group), then route the held-out rows.
 */
export function evaluateLearnedRouter(
  rows: readonly Outcome[],
  features: string[],
  o: FitOptions = {},
): Evaluation {
  const target = o.target ?? 0.95;
  const decisions = new Map<Outcome, boolean>();
  const folds: Evaluation['folds'] = [];
  for (const group of new Set(rows.map((r) => r.group))) {
    const fitted = fitRouter(
      rows.filter((r) => r.group !== group),
      features,
      o,
    );
    folds.push({ group, learner: fitted.learner, threshold: fitted.threshold, margin: fitted.margin });
    for (const r of rows)
      if (r.group === group) decisions.set(r, predictModel(fitted.model, r.x) >= fitted.threshold);
  }
  const gain = (r: Outcome) => r.localQuality - r.cloudQuality;
  const oracleThreshold = calibrateThreshold(rows, gain, target);
  return {
    alwaysCloud: scoreRouting(rows, () => false),
    alwaysLocal: scoreRouting(rows, () => true),
    learned: scoreRouting(rows, (r) => decisions.get(r)!),
    oracle: scoreRouting(rows, (r) => gain(r) >= oracleThreshold),
    folds,
  };
}
