// Features of a speech clip and of its draft transcript that predict whether the draft (Whisper tiny) is as
// good as the refinement (Whisper base). Kept in plain JS so the recorder (Node) and src/router/learned.ts's
// callers compute them identically; src/router/stt-features.ts re-exports them with types.

/** @param {Float32Array} samples @param {number} rate */
export function audioFeatures(samples, rate) {
  const frame = Math.round(rate * 0.025);
  const energies = [];
  for (let i = 0; i + frame <= samples.length; i += frame) {
    let e = 0;
    for (let j = i; j < i + frame; j++) e += samples[j] * samples[j];
    energies.push(e / frame + 1e-10);
  }
  energies.sort((a, b) => a - b);
  const pct = (p) =>
    energies[Math.min(energies.length - 1, Math.floor((p / 100) * energies.length))] ?? 1e-10;
  let total = 0;
  for (const v of samples) total += v * v;
  return {
    durationS: samples.length / rate,
    rmsDb: 10 * Math.log10(total / Math.max(1, samples.length) + 1e-10),
    snrDb: 10 * Math.log10(pct(90) / pct(10)),
    noiseFloorDb: 10 * Math.log10(pct(10)),
  };
}

/** @param {string} text @param {number} durationS */
export function textFeatures(text, durationS) {
  const words = text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const bigrams = words.slice(1).map((w, i) => `${words[i]} ${w}`);
  const repeated = bigrams.length ? 1 - new Set(bigrams).size / bigrams.length : 0;
  return {
    draftWords: words.length,
    draftWordsPerS: words.length / Math.max(0.1, durationS),
    draftRepetition: repeated,
    draftEmpty: words.length === 0 ? 1 : 0,
  };
}

/** The draft model's probability for each token it emitted (greedy decoding), summarised. */
export function confidenceFeatures(tokenConfidences) {
  const c = tokenConfidences.length ? tokenConfidences : [0];
  const logs = c.map((p) => Math.log(Math.max(p, 1e-6)));
  return {
    draftMeanTokenConf: c.reduce((a, b) => a + b, 0) / c.length,
    draftMinTokenConf: Math.min(...c),
    draftMeanLogProb: logs.reduce((a, b) => a + b, 0) / logs.length,
  };
}
