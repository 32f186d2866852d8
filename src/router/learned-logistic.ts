// L2-regularised logistic regression fitted by Newton's method (IRLS): exact, deterministic and fast on the
// few dozen features and few thousand decisions a browser keeps, with no learning rate or epoch count to tune.
import { checkSamples, sigmoid, type Sample } from './learned-data';

export interface LogisticModel {
  kind: 'logistic';
  features: string[];
  weights: number[];
  bias: number;
  /** Standardisation of each feature, so that one l2 suits features of any scale. */
  mean: number[];
  std: number[];
}

export interface LogisticOptions {
  /** Ridge strength on the standardised weights (per sample, the bias is not penalised). */
  l2?: number;
  maxIterations?: number;
}

/** Solves A x = b for a symmetric positive-definite A (Cholesky). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('logistic regression: Hessian is not positive definite');
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

export function trainLogistic(
  samples: readonly Sample[],
  features: string[],
  o: LogisticOptions = {},
): LogisticModel {
  checkSamples(samples, features);
  const l2 = o.l2 ?? 0.1;
  if (!(l2 > 0)) throw new RangeError(`l2 must be positive (it keeps separable data finite), got ${l2}`);
  const d = features.length;
  const wt = samples.map((s) => s.weight ?? 1);
  const total = wt.reduce((a, b) => a + b, 0);
  const mean = Array.from(
    { length: d },
    (_, j) => samples.reduce((a, s, i) => a + wt[i]! * s.x[j]!, 0) / total,
  );
  const std = Array.from({ length: d }, (_, j) => {
    const v = samples.reduce((a, s, i) => a + wt[i]! * (s.x[j]! - mean[j]!) ** 2, 0) / total;
    return Math.sqrt(v) || 1;
  });
  // Column d is the bias.
  const xs = samples.map((s) => [...s.x.map((v, j) => (v - mean[j]!) / std[j]!), 1]);
  const beta = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < (o.maxIterations ?? 50); it++) {
    const g = new Array<number>(d + 1).fill(0);
    const h = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const p = sigmoid(x.reduce((a, v, j) => a + v * beta[j]!, 0));
      const r = (wt[i]! * (p - samples[i]!.y)) / total;
      const c = (wt[i]! * Math.max(p * (1 - p), 1e-12)) / total;
      for (let j = 0; j <= d; j++) {
        g[j]! += r * x[j]!;
        for (let k = 0; k <= j; k++) h[j]![k]! += c * x[j]! * x[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) h[k]![j] = h[j]![k]!;
    for (let j = 0; j < d; j++) {
      g[j]! += l2 * beta[j]!;
      h[j]![j]! += l2;
    }
    h[d]![d]! += 1e-9; // an all-one or all-zero label set leaves the bias unbounded otherwise
    const step = solveSpd(h, g);
    let largest = 0;
    for (let j = 0; j <= d; j++) {
      beta[j]! -= step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    if (largest < 1e-9) break;
  }
  return { kind: 'logistic', features, weights: beta.slice(0, d), bias: beta[d]!, mean, std };
}

export function predictLogistic(m: LogisticModel, x: readonly number[]): number {
  let z = m.bias;
  for (let j = 0; j < m.weights.length; j++) z += m.weights[j]! * ((x[j]! - m.mean[j]!) / m.std[j]!);
  return sigmoid(z);
}
