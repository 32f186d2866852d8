export interface AudioFeatures {
  durationS: number;
  rmsDb: number;
  snrDb: number;
  noiseFloorDb: number;
  activeFrac: number;
  highFreqDb: number;
  zeroCrossRate: number;
}
export interface TextFeatures {
  draftWords: number;
  draftWordsPerS: number;
  draftRateOffset: number;
  draftRepetition: number;
  draftUniqueRatio: number;
  draftLongestRun: number;
  draftHallucination: number;
  draftEmpty: number;
}
export interface ConfidenceFeatures {
  draftTokens: number;
  draftMeanTokenConf: number;
  draftMinTokenConf: number;
  draftP10TokenConf: number;
  draftP25TokenConf: number;
  draftMedianTokenConf: number;
  draftLowConfFrac: number;
  draftMeanLogProb: number;
}
export interface Draft {
  text: string;
  tokenConfidences: number[];
}
export type DraftFeatures = TextFeatures & ConfidenceFeatures & { draftTokensPerS: number };
export type SttFeatures = AudioFeatures & DraftFeatures;
export function audioFeatures(samples: Float32Array, rate: number): AudioFeatures;
export function textFeatures(text: string, durationS: number): TextFeatures;
export function confidenceFeatures(tokenConfidences: number[]): ConfidenceFeatures;
export function draftFeatures(draft: Draft, durationS: number): DraftFeatures;
export function sttFeatures(samples: Float32Array, rate: number, draft: Draft): SttFeatures;
