export interface AudioFeatures {
  durationS: number;
  rmsDb: number;
  snrDb: number;
  noiseFloorDb: number;
}
export interface TextFeatures {
  draftWords: number;
  draftWordsPerS: number;
  draftRepetition: number;
  draftEmpty: number;
}
export function audioFeatures(samples: Float32Array, rate: number): AudioFeatures;
export function textFeatures(text: string, durationS: number): TextFeatures;
export interface ConfidenceFeatures {
  draftMeanTokenConf: number;
  draftMinTokenConf: number;
  draftMeanLogProb: number;
}
export function confidenceFeatures(tokenConfidences: number[]): ConfidenceFeatures;
