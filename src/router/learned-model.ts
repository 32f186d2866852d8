// The learned router's model: either kind, plain data (stored and sent between threads as JSON).
import { predictLogistic, type LogisticModel } from './learned-logistic';
import { predictStumps, type StumpsModel } from './learned-stumps';

export type LearnedModel = LogisticModel | StumpsModel;

/** Probability that the local answer suffices. */
export function predictModel(m: LearnedModel, x: readonly number[]): number {
  if (x.length !== m.features.length)
    throw new RangeError(
      `model expects ${m.features.length} features (${m.features.join(', ')}), got ${x.length}`,
    );
  switch (m.kind) {
    case 'logistic':
      return predictLogistic(m, x);
    case 'stumps':
      return predictStumps(m, x);
  }
}
