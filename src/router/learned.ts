// The learned router: a small model, trained in the browser on recorded decisions, that predicts when the
// local answer suffices, with a threshold calibrated offline to a quality target (RouteLLM's idea, with
// context features — privacy, network, confidence, acoustics — rather than only the prompt).
import type { LocalSufficiency } from './router';
import { predictModel, type LearnedModel } from './learned-model';

export type { Sample } from './learned-data';
export { trainLogistic, predictLogistic, type LogisticModel, type LogisticOptions } from './learned-logistic';
export { trainStumps, predictStumps, type StumpsModel, type StumpsOptions } from './learned-stumps';
export { predictModel, type LearnedModel } from './learned-model';

/**
 * Adapts a model to the router: features are read by name from a decision's feature record. A decision that
 * lacks one of the model's features (another task, an older caller) gets NaN — "cannot judge" — so the
 * policy's own decision stands: a model fed zeros for what it never saw would answer nonsense.
 */
export function learnedSufficiency(m: LearnedModel, threshold: number): LocalSufficiency {
  return {
    threshold,
    predict: (f) => {
      const x: number[] = [];
      for (const name of m.features) {
        const v = f[name];
        if (typeof v === 'boolean') x.push(v ? 1 : 0);
        else if (typeof v === 'number' && Number.isFinite(v)) x.push(v);
        else return Number.NaN;
      }
      return predictModel(m, x);
    },
  };
}
