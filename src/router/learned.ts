// The learned router: a logistic regression, trained in the browser on recorded decisions, that predicts when
// the local answer suffices, plus the offline evaluation that calibrates its threshold (RouteLLM's idea, with
// context features — privacy, network, confidence, acoustics — rather than only the prompt).
import type { LocalSufficiency } from './router';

export interface Sample {
  x: number[];
  /** 1 when the local answer sufficed. */
  y: 0 | 1;
}

export interface LogisticModel {
  features: string[];
  weights: number[];
  bias: number;
  mean: number[];
  std: number[];
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Batch gradient descent on standardised features with L2; deterministic (zero init, fixed epochs). */
export function trainLogistic(
  samples: readonly Sample[],
  features: string[],
  o: TrainOptions = {},
): LogisticModel {
  if (samples.length === 0) throw new RangeError('cannot train on zero samples');
  const d = features.length;
  for (const s of samples) {
    if (s.x.length !== d) throw new RangeError(`sample has ${s.x.length} features, expected ${d}`);
    if (!s.x.every(Number.isFinite))
      throw new RangeError(`sample has a non-finite feature: ${s.x.join(', ')}`);
  }
  const mean = Array.from({ length: d }, (_, j) => samples.reduce((a, s) => a + s.x[j]!, 0) / samples.length);
  const std = Array.from({ length: d }, (_, j) => {
    const v = samples.reduce((a, s) => a + (s.x[j]! - mean[j]!) ** 2, 0) / samples.length;
    return Math.sqrt(v) || 1;
  });
  const xs = samples.map((s) => s.x.map((v, j) => (v - mean[j]!) / std[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const epochs = o.epochs ?? 500;
  const lr = o.learningRate ?? 0.3;
  const l2 = o.l2 ?? 0.01;
  for (let e = 0; e < epochs; e++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const err = sigmoid(b + x.reduce((a, v, j) => a + v * w[j]!, 0)) - samples[i]!.y;
      for (let j = 0; j < d; j++) gw[j]! += err * x[j]!;
      gb += err;
    }
    for (let j = 0; j < d; j++) w[j] = w[j]! - lr * (gw[j]! / xs.length + l2 * w[j]!);
    b -= lr * (gb / xs.length);
  }
  return { features, weights: w, bias: b, mean, std };
}

export function predictLogistic(m: LogisticModel, x: readonly number[]): number {
  let z = m.bias;
  for (let j = 0; j < m.weights.length; j++) z += m.weights[j]! * ((x[j]! - m.mean[j]!) / m.std[j]!);
  return sigmoid(z);
}

/** Adapts a model to the router: features are read by name from a decision's feature record. */
export function learnedSufficiency(m: LogisticModel, threshold: number): LocalSufficiency {
  return {
    threshold,
    predict: (f) =>
      predictLogistic(
        m,
        m.features.map((name) => Number(f[name] ?? 0)),
      ),
  };
}

/** One recorded decision with what each route would have scored (quality 0..1, e.g. 1 − WER). */
export interface Outcome {
  group: string;
  x: number[];
  y: 0 | 1;
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

/**
 * The lowest threshold (most calls kept local) whose routing keeps at least `target` of always-cloud quality
 * on these rows; 1 + ε (never local) when none does.
 */
export function calibrateThreshold(
  rows: readonly Outcome[],
  p: (r: Outcome) => number,
  target: number,
): number {
  const cloud = scoreRouting(rows, () => false).quality;
  const candidates = [...new Set(rows.map(p))].sort((a, b) => a - b);
  for (const t of candidates) {
    if (scoreRouting(rows, (r) => p(r) >= t).quality >= target * cloud) return t;
  }
  return 1.000001;
}

export interface Evaluation {
  alwaysCloud: PolicyScore;
  alwaysLocal: PolicyScore;
  learned: PolicyScore;
  /** Threshold of each held-out group's model, calibrated on the other groups. */
  thresholds: Record<string, number>;
}

function outOfFoldPredictions(
  rows: readonly Outcome[],
  features: string[],
  options: TrainOptions,
): Map<Outcome, number> {
  const out = new Map<Outcome, number>();
  for (const g of new Set(rows.map((r) => r.group))) {
    const model = trainLogistic(
      rows.filter((r) => r.group !== g),
      features,
      options,
    );
    for (const r of rows) if (r.group === g) out.set(r, predictLogistic(model, r.x));
  }
  return out;
}

/**
 * Leave-one-group-out: for each group (a clip and its noisy variants, so that no variant of a test clip is
 * seen in training), train on the rest, calibrate the threshold on the rest (on their own out-of-fold
 * predictions), route the held-out rows.
 */
export function evaluateLearnedRouter(
  rows: readonly Outcome[],
  features: string[],
  target = 0.95,
  options: TrainOptions = {},
): Evaluation {
  const groups = [...new Set(rows.map((r) => r.group))];
  const decisions = new Map<Outcome, boolean>();
  const thresholds: Record<string, number> = {};
  for (const g of groups) {
    const train = rows.filter((r) => r.group !== g);
    const test = rows.filter((r) => r.group === g);
    const model = trainLogistic(train, features, options);
    const p = (r: Outcome) => predictLogistic(model, r.x);
    // Calibrate on out-of-fold probabilities of the training rows: a model's probabilities for rows it was
    // fitted on are optimistic, and a threshold set on them keeps too much local on new clips.
    const oof = outOfFoldPredictions(train, features, options);
    const t = calibrateThreshold(train, (r) => oof.get(r)!, target);
    thresholds[g] = t;
    for (const r of test) decisions.set(r, p(r) >= t);
  }
  return {
    alwaysCloud: scoreRouting(rows, () => false),
    alwaysLocal: scoreRouting(rows, () => true),
    learned: scoreRouting(rows, (r) => decisions.get(r)!),
    thresholds,
  };
}
