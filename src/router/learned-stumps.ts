// Gradient-boosted decision stumps (one split per tree) on the logistic loss: thresholds such as "snr below
// 8 dB" or "a repeated phrase" that a linear model can only approximate, each stump readable on its own.
import { checkSamples, sigmoid, type Sample } from './learned-data';

export interface Stump {
  feature: number;
  /** Goes left when x[feature] < threshold. */
  threshold: number;
  left: number;
  right: number;
}

export interface StumpsModel {
  kind: 'stumps';
  features: string[];
  base: number;
  stumps: Stump[];
}

export interface StumpsOptions {
  rounds?: number;
  /** Shrinkage of each stump's values. */
  learningRate?: number;
  /** Ridge on each leaf's Newton step. */
  l2?: number;
  /** Fewest samples on either side of a split. */
  minLeaf?: number;
}

export function trainStumps(
  samples: readonly Sample[],
  features: string[],
  o: StumpsOptions = {},
): StumpsModel {
  checkSamples(samples, features);
  const rounds = o.rounds ?? 60;
  const lr = o.learningRate ?? 0.1;
  const l2 = o.l2 ?? 1;
  const minLeaf = o.minLeaf ?? 5;
  const n = samples.length;
  const wt = samples.map((s) => s.weight ?? 1);
  const total = wt.reduce((a, b) => a + b, 0);
  const prior = Math.min(0.99, Math.max(0.01, samples.reduce((a, s, i) => a + wt[i]! * s.y, 0) / total));
  const base = Math.log(prior / (1 - prior));
  const f = new Array<number>(n).fill(base);
  // Each feature's sample order, sorted once.
  const orders = features.map((_, j) =>
    Array.from({ length: n }, (_, i) => i).sort((a, b) => samples[a]!.x[j]! - samples[b]!.x[j]!),
  );
  const stumps: Stump[] = [];
  const g = new Array<number>(n);
  const h = new Array<number>(n);
  for (let r = 0; r < rounds; r++) {
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(f[i]!);
      g[i] = wt[i]! * (p - samples[i]!.y);
      h[i] = wt[i]! * Math.max(p * (1 - p), 1e-6);
      G += g[i]!;
      H += h[i]!;
    }
    const parent = (G * G) / (H + l2);
    let best: { gain: number; stump: Stump } | undefined;
    for (let j = 0; j < features.length; j++) {
      const order = orders[j]!;
      let gl = 0;
      let hl = 0;
      for (let k = 0; k < n - 1; k++) {
        const i = order[k]!;
        gl += g[i]!;
        hl += h[i]!;
        const v = samples[i]!.x[j]!;
        const next = samples[order[k + 1]!]!.x[j]!;
        if (v === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue;
        const gr = G - gl;
        const hr = H - hl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
        if (!best || gain > best.gain + 1e-12) {
          best = {
            gain,
            stump: {
              feature: j,
              threshold: (v + next) / 2,
              left: (-lr * gl) / (hl + l2),
              right: (-lr * gr) / (hr + l2),
            },
          };
        }
      }
    }
    if (!best || best.gain <= 1e-9) break;
    const s = best.stump;
    stumps.push(s);
    for (let i = 0; i < n; i++) f[i]! += samples[i]!.x[s.feature]! < s.threshold ? s.left : s.right;
  }
  return { kind: 'stumps', features, base, stumps };
}

export function predictStumps(m: StumpsModel, x: readonly number[]): number {
  let z = m.base;
  for (const s of m.stumps) z += x[s.feature]! < s.threshold ? s.left : s.right;
  return sigmoid(z);
}
