// Turns the recorded speech-to-text outcomes (bench/data/stt-outcomes.json, made by
// scripts/dev-endpoint/record-stt-outcomes.mjs) into training rows for the learned router.
import type { Outcome } from './learned';
import { wordErrorRate } from './wer';

export interface RecordedClip {
  clip: string;
  snrDb: number | null;
  reference: string;
  tinyText: string;
  baseText: string;
  features: Record<string, number>;
  tinyMs: number;
  baseMs: number;
}

export const STT_FEATURES = [
  'durationS',
  'rmsDb',
  'snrDb',
  'noiseFloorDb',
  'draftWords',
  'draftWordsPerS',
  'draftRepetition',
  'draftEmpty',
  'draftMeanTokenConf',
  'draftMinTokenConf',
  'draftMeanLogProb',
];

/** The draft "sufficed" when it matches the refinement within this WER (what the router can observe live). */
export const AGREEMENT_WER = 0.1;

export function sttOutcomes(clips: readonly RecordedClip[]): Outcome[] {
  return clips.map((c) => {
    const x = STT_FEATURES.map((f) => {
      const v = c.features[f];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new TypeError(`clip ${c.clip}: feature "${f}" is ${v}`);
      return v;
    });
    return {
      group: c.clip,
      x,
      y: wordErrorRate(c.baseText, c.tinyText) <= AGREEMENT_WER ? 1 : 0,
      localQuality: Math.max(0, 1 - wordErrorRate(c.reference, c.tinyText)),
      cloudQuality: Math.max(0, 1 - wordErrorRate(c.reference, c.baseText)),
    };
  });
}
