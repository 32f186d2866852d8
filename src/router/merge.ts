// Hybrid merge policy (seed 000 §5): prefer the cloud for facts, keep what only the local answer has, and
// blend the confidences — two answers that agree are surer than either; two that disagree are not.
import { wordErrorRate } from '../inference/wer';

export interface Answer<O = unknown> {
  output: O;
  confidence: number;
}

export interface Merged<O = unknown> extends Answer<O> {
  /** 0..1: how much the local draft agreed with the cloud refinement. */
  agreement: number;
}

/** Weight of the cloud in a disagreement. */
const CLOUD_WEIGHT = 0.7;

function textOf(o: unknown): string | null {
  if (typeof o === 'string') return o;
  if (o && typeof o === 'object' && typeof (o as { text?: unknown }).text === 'string') {
    return (o as { text: string }).text;
  }
  return null;
}

export function agreementOf(local: unknown, cloud: unknown): number {
  const a = textOf(local);
  const b = textOf(cloud);
  if (a !== null && b !== null) return Math.max(0, 1 - wordErrorRate({ reference: b, hypothesis: a }));
  return JSON.stringify(local) === JSON.stringify(cloud) ? 1 : 0;
}

export function mergeAnswers<O>(local: Answer<O>, cloud: Answer<O>): Merged<O> {
  const agreement = agreementOf(local.output, cloud.output);
  const output =
    local.output && cloud.output && typeof local.output === 'object' && typeof cloud.output === 'object'
      ? ({ ...local.output, ...cloud.output } as O)
      : cloud.output;
  const together = 1 - (1 - local.confidence) * (1 - cloud.confidence);
  const weighted = CLOUD_WEIGHT * cloud.confidence + (1 - CLOUD_WEIGHT) * local.confidence;
  const confidence = agreement * together + (1 - agreement) * weighted;
  return { output, confidence: Math.min(1, Math.max(0, confidence)), agreement };
}
