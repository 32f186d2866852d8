// Features of a speech clip and of its draft transcript that predict whether the draft (Whisper tiny) is as
// good as the refinement (Whisper base). Kept in plain JS so that the recorder (Node), the benches and the
// router's callers in the browser compute them identically (types in stt-features.d.mts).

const FRAME_S = 0.025;

/** Per-frame energy, sorted, and the mean zero-crossing rate: the signal's noise level without a VAD. */
function frames(samples, rate) {
  const frame = Math.max(1, Math.round(rate * FRAME_S));
  const energies = [];
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let e = 0;
    for (let j = i; j < i + frame; j++) e += samples[j] * samples[j];
    energies.push(e / frame + 1e-10);
  }
  return energies.sort((a, b) => a - b);
}

/** @param {Float32Array} samples @param {number} rate */
export function audioFeatures(samples, rate) {
  if (!(rate > 0)) throw new RangeError(`sample rate must be positive, got ${rate}`);
  const energies = frames(samples, rate);
  const pct = (p) =>
    energies[Math.min(energies.length - 1, Math.floor((p / 100) * energies.length))] ?? 1e-10;
  let total = 0;
  let diff = 0;
  let crossings = 0;
  for (let i = 0; i < samples.length; i++) {
    total += samples[i] * samples[i];
    if (i > 0) {
      const d = samples[i] - samples[i - 1];
      diff += d * d;
      if (samples[i] >= 0 !== samples[i - 1] >= 0) crossings++;
    }
  }
  const floor = pct(10);
  return {
    durationS: samples.length / rate,
    rmsDb: 10 * Math.log10(total / Math.max(1, samples.length) + 1e-10),
    // Loud frames over quiet frames: speech over the noise between words (low when noise fills the gaps).
    snrDb: 10 * Math.log10(pct(90) / floor),
    noiseFloorDb: 10 * Math.log10(floor),
    // Fraction of frames 10 dB above the floor: high for clean speech with pauses, low when noise masks them.
    activeFrac: energies.length ? energies.filter((e) => e > floor * 10).length / energies.length : 0,
    // Energy of the first difference over the energy: broadband noise pushes it up (white noise ≈ +3 dB),
    // voiced speech, mostly below 1 kHz, keeps it far down.
    highFreqDb: 10 * Math.log10((diff + 1e-10) / (total + 1e-10)),
    zeroCrossRate: crossings / Math.max(1, samples.length - 1),
  };
}

/** Phrases Whisper is known to produce from noise or silence (subtitle credits of its training data). */
const HALLUCINATIONS = [/thanks? (you )?for watching/, /subscribe/, /subtitles? by/, /\bamara\b/];

function words(text) {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** @param {string} text @param {number} durationS */
export function textFeatures(text, durationS) {
  const w = words(text);
  const bigrams = w.slice(1).map((x, i) => `${w[i]} ${x}`);
  const repeated = bigrams.length ? 1 - new Set(bigrams).size / bigrams.length : 0;
  let run = w.length ? 1 : 0;
  let longest = run;
  for (let i = 1; i < w.length; i++) {
    run = w[i] === w[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  const perS = w.length / Math.max(0.1, durationS);
  const lower = text.toLowerCase();
  return {
    draftWords: w.length,
    draftWordsPerS: perS,
    // Distance from a normal speaking rate (~2.5 words/s), in octaves: too few words means speech was
    // missed, too many means a loop or invented text.
    draftRateOffset: Math.abs(Math.log2(Math.max(perS, 0.1) / 2.5)),
    draftRepetition: repeated,
    draftUniqueRatio: w.length ? new Set(w).size / w.length : 1,
    draftLongestRun: longest,
    draftHallucination: HALLUCINATIONS.some((re) => re.test(lower)) ? 1 : 0,
    draftEmpty: w.length === 0 ? 1 : 0,
  };
}

/** The draft model's probability for each token it emitted (greedy decoding), summarised. */
export function confidenceFeatures(tokenConfidences) {
  const c = tokenConfidences.length ? tokenConfidences : [0];
  const sorted = [...c].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const logs = c.map((p) => Math.log(Math.max(p, 1e-6)));
  return {
    draftTokens: tokenConfidences.length,
    draftMeanTokenConf: c.reduce((a, b) => a + b, 0) / c.length,
    draftMinTokenConf: sorted[0],
    draftP10TokenConf: q(0.1),
    draftP25TokenConf: q(0.25),
    draftMedianTokenConf: q(0.5),
    draftLowConfFrac: c.filter((p) => p < 0.5).length / c.length,
    draftMeanLogProb: logs.reduce((a, b) => a + b, 0) / logs.length,
  };
}

/**
 * Every feature of one draft: the clip's audio, the draft's text and its token confidences.
 * @param {Float32Array} samples @param {number} rate @param {{ text: string, tokenConfidences: number[] }} draft
 */
export function sttFeatures(samples, rate, draft) {
  const audio = audioFeatures(samples, rate);
  return {
    ...audio,
    ...draftFeatures(draft, audio.durationS),
  };
}

/** The draft's features alone, for recorded drafts whose audio features were kept. */
export function draftFeatures(draft, durationS) {
  return {
    ...textFeatures(draft.text, durationS),
    ...confidenceFeatures(draft.tokenConfidences),
    draftTokensPerS: draft.tokenConfidences.length / Math.max(0.1, durationS),
  };
}
