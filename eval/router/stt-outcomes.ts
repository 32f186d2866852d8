// Turns the recorded speech-to-text outcomes (bench/data/stt-outcomes.json, made by
// scripts/dev-endpoint/record-stt-outcomes.mjs) into training rows for the learned router. The draft's
// features are computed here from its recorded text and token confidences by the same code the router's
// callers use live; only the audio features come from the recording (they need the samples).
import { draftFeatures, type AudioFeatures } from '../../scripts/dev-endpoint/stt-features.mjs';
import type { Outcome } from './learned-eval';
import { wordErrorRate } from '../../src/inference/wer';

export interface RecordedClip {
  clip: string;
  snrDb: number | null;
  reference: string;
  tinyText: string;
  baseText: string;
  audio: AudioFeatures;
  /** Whisper tiny's probability for each token it emitted. */
  tokenConfidences: number[];
  tinyMs: number;
  baseMs: number;
}

/** What the router can observe before deciding: the clip's acoustics and the local draft. */
export const STT_FEATURES = [
  'durationS',
  'rmsDb',
  'snrDb',
  'noiseFloorDb',
  'activeFrac',
  'highFreqDb',
  'zeroCrossRate',
  'draftWords',
  'draftWordsPerS',
  'draftRateOffset',
  'draftRepetition',
  'draftUniqueRatio',
  'draftLongestRun',
  'draftHallucination',
  'draftEmpty',
  'draftTokens',
  'draftTokensPerS',
  'draftMeanTokenConf',
  'draftMinTokenConf',
  'draftP10TokenConf',
  'draftP25TokenConf',
  'draftMedianTokenConf',
  'draftLowConfFrac',
  'draftMeanLogProb',
];

/** The draft "sufficed" when it matches the refinement within this WER (what the router can observe live). */
export const AGREEMENT_WER = 0.1;

export function sttFeatureRecord(c: RecordedClip): Record<string, number> {
  return {
    ...c.audio,
    ...draftFeatures({ text: c.tinyText, tokenConfidences: c.tokenConfidences }, c.audio.durationS),
  };
}

export function sttOutcomes(
  clips: readonly RecordedClip[],
  features: readonly string[] = STT_FEATURES,
): Outcome[] {
  return clips.map((c) => {
    const record = sttFeatureRecord(c);
    const x = features.map((f) => {
      const v = record[f];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new TypeError(`clip ${c.clip} (snr ${c.snrDb ?? 'clean'}): feature "${f}" is ${v}`);
      return v;
    });
    return {
      group: c.clip,
      x,
      y: wordErrorRate({ reference: c.baseText, hypothesis: c.tinyText }) <= AGREEMENT_WER ? 1 : 0,
      localQuality: Math.max(0, 1 - wordErrorRate({ reference: c.reference, hypothesis: c.tinyText })),
      cloudQuality: Math.max(0, 1 - wordErrorRate({ reference: c.reference, hypothesis: c.baseText })),
    };
  });
}
