import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  audioFeatures,
  confidenceFeatures,
  draftFeatures,
  textFeatures,
} from '../../scripts/dev-endpoint/stt-features.mjs';
import { createLocalInference } from '../../src/router/local-inference';
import { STT_FEATURES, sttOutcomes, type RecordedClip } from './stt-outcomes';

const recorded = (): RecordedClip[] =>
  (
    JSON.parse(readFileSync(resolve(import.meta.dirname, '../../bench/data/stt-outcomes.json'), 'utf8')) as {
      rows: RecordedClip[];
    }
  ).rows;

function tone(seconds: number, hz: number, amplitude: number): Float32Array {
  return Float32Array.from(
    { length: 16000 * seconds },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
}

function noise(seconds: number, amplitude: number): Float32Array {
  let s = 1;
  // A fixed LCG: the same "noise" every run.
  return Float32Array.from({ length: 16000 * seconds }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return amplitude * (2 * (s / 2 ** 31) - 1);
  });
}

describe('speech features', () => {
  it('tell broadband noise from a voiced, pausing signal', () => {
    // A 200 Hz "voice" half of the time, silence between.
    const voice = tone(2, 200, 0.3).map((v, i) => (Math.floor(i / 4000) % 2 ? 0 : v));
    const hiss = noise(2, 0.3);
    const v = audioFeatures(voice, 16000);
    const h = audioFeatures(hiss, 16000);
    expect(v.durationS).toBe(2);
    expect(v.snrDb).toBeGreaterThan(30);
    expect(h.snrDb).toBeLessThan(3);
    expect(v.activeFrac).toBeCloseTo(0.5, 1);
    expect(h.activeFrac).toBe(0);
    expect(h.highFreqDb).toBeGreaterThan(0); // white noise: its difference has twice its energy
    expect(v.highFreqDb).toBeLessThan(-20);
    expect(h.zeroCrossRate).toBeGreaterThan(10 * v.zeroCrossRate);
    expect(() => audioFeatures(voice, 0)).toThrow(/sample rate must be positive/);
  });

  it('flag loops, known hallucinations, odd speaking rates and empty drafts', () => {
    const loop = textFeatures('10, 10, 10, 10, 10, 10, 10, 10', 1);
    expect(loop).toMatchObject({ draftWords: 8, draftLongestRun: 8 });
    expect(loop.draftRepetition).toBeCloseTo(6 / 7);
    expect(loop.draftUniqueRatio).toBeCloseTo(1 / 8);
    expect(loop.draftRateOffset).toBeCloseTo(Math.log2(8 / 2.5));
    expect(textFeatures('Thanks for watching!', 3).draftHallucination).toBe(1);
    expect(textFeatures('Go forward ten meters', 2).draftHallucination).toBe(0);
    expect(textFeatures('', 2)).toMatchObject({ draftEmpty: 1, draftWords: 0, draftUniqueRatio: 1 });
  });

  it('summarise token confidences, lows and quantiles included', () => {
    const c = confidenceFeatures([0.9, 0.8, 0.2, 0.95, 0.4]);
    expect(c).toMatchObject({
      draftTokens: 5,
      draftMinTokenConf: 0.2,
      draftMedianTokenConf: 0.8,
      draftLowConfFrac: 0.4,
    });
    expect(c.draftMeanTokenConf).toBeCloseTo(0.65);
    expect(confidenceFeatures([])).toMatchObject({ draftTokens: 0, draftMeanTokenConf: 0 });
    expect(draftFeatures({ text: 'a b', tokenConfidences: [0.5, 0.5, 0.5, 0.5] }, 2).draftTokensPerS).toBe(2);
  });
});

describe('recorded speech outcomes', () => {
  it('turn every recorded clip into finite features with its agreement label and both qualities', () => {
    const clips = recorded();
    const rows = sttOutcomes(clips);
    expect(rows.length).toBe(clips.length);
    expect(new Set(rows.map((r) => r.group)).size).toBeGreaterThanOrEqual(19);
    for (const r of rows) {
      expect(r.x).toHaveLength(STT_FEATURES.length);
      expect(r.x.every(Number.isFinite)).toBe(true);
    }
    // "Go forward 10 meters." from both models, clean: agreement, and both right against the reference.
    const clean = rows[clips.findIndex((c) => c.clip === 'goforward' && c.snrDb === null)]!;
    expect(clean).toMatchObject({ y: 1, localQuality: 1, cloudQuality: 1 });
  });

  it('names the clip and the feature when a recording lacks one', () => {
    const [first] = recorded();
    expect(() => sttOutcomes([first!], ['noSuchFeature'])).toThrow(
      /clip goforward \(snr clean\): feature "noSuchFeature" is undefined/,
    );
  });
});

describe('live features', () => {
  it('the local inference adapter reports every draft feature the router is trained on', async () => {
    const client = {
      infer: (async () => ({
        output: { text: 'Go forward 10 meters.', seconds: 2.8, tokenConfidences: [0.9, 0.7, 0.8, 0.6] },
        timings: { totalMs: 900, loadMs: 0 },
      })) as never,
    };
    const a = await createLocalInference(client).run('speech.transcribe', { clip: new Float32Array(16) }, {});
    const draft = STT_FEATURES.filter((f) => f.startsWith('draft') || f === 'durationS');
    expect(draft.length).toBeGreaterThan(10);
    for (const f of draft) expect(Number.isFinite(a.features?.[f]), f).toBe(true);
  });
});
