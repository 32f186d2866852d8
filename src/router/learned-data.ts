// What the learned router's models are trained on, and the checks every trainer runs on it.

export interface Sample {
  x: number[];
  /** 1 when the local answer sufficed. */
  y: 0 | 1;
  /** How much this sample counts (default 1). */
  weight?: number;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Refuses data no model should be fitted on, naming what is wrong. */
export function checkSamples(samples: readonly Sample[], features: readonly string[]): void {
  if (samples.length === 0) throw new RangeError('cannot train on zero samples');
  const d = features.length;
  for (const [i, s] of samples.entries()) {
    if (s.x.length !== d) throw new RangeError(`sample ${i} has ${s.x.length} features, expected ${d}`);
    const bad = s.x.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new RangeError(`sample ${i} has a non-finite feature "${features[bad]}": ${s.x[bad]}`);
    if (s.y !== 0 && s.y !== 1) throw new RangeError(`sample ${i} has label ${String(s.y)}, expected 0 or 1`);
    if (s.weight !== undefined && !(s.weight >= 0 && Number.isFinite(s.weight)))
      throw new RangeError(`sample ${i} has weight ${s.weight}, expected a finite number ≥ 0`);
  }
}
