import { describe, expect, it } from 'vitest';
import { createResampler, mixToMono, ResamplerError } from './resampler';

const OUT = 16_000;

function sine(rate: number, freq: number, seconds: number, amplitude: number, phase = 0): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate + phase);
  return x;
}

/** Feeds `x` in AudioWorklet-sized blocks (128 frames) and concatenates what comes out. */
function resampleInBlocks(inputRate: number, x: Float32Array, block = 128): Float32Array {
  const r = createResampler({ inputRate, outputRate: OUT });
  const parts: Float32Array[] = [];
  for (let i = 0; i < x.length; i += block) parts.push(r.process(x.subarray(i, i + block)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Skips the filter's start-up transient (the first 0.1 s) and the tail. */
const steady = (y: Float32Array) => y.subarray(1600, y.length - 160);

function rms(x: Float32Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return Math.sqrt(e / x.length);
}

/** Frequency from interpolated upward zero crossings: independent of the amplitude. */
function measuredFrequency(y: Float32Array, rate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < y.length; i++) {
    const a = y[i - 1]!;
    const b = y[i]!;
    if (a < 0 && b >= 0) crossings.push(i - 1 + a / (a - b));
  }
  const periods = crossings.length - 1;
  return (periods * rate) / (crossings.at(-1)! - crossings[0]!);
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

describe('createResampler to 16 kHz', () => {
  for (const inputRate of [44_100, 48_000, 22_050, 96_000]) {
    for (const freq of [100, 440, 1000, 3000, 6000, 7000]) {
      it(`keeps a ${freq} Hz sine's frequency and amplitude from ${inputRate} Hz`, () => {
        const y = steady(resampleInBlocks(inputRate, sine(inputRate, freq, 1, 0.5)));
        expect(measuredFrequency(y, OUT)).toBeCloseTo(freq, 1); // within 0.05 Hz
        expect(Math.abs(dB(rms(y) / (0.5 / Math.SQRT2)))).toBeLessThan(0.01); // flat to 0.01 dB
      });
    }
  }

  // Measured: ≥ 94 dB down from 8.5 kHz up at 44.1/48/22.05/96 kHz (≈ 103 dB at 10 kHz, ≥ 112 dB at 15 kHz).
  for (const inputRate of [44_100, 48_000, 96_000]) {
    for (const freq of [8_500, 10_000, 12_000, 15_000, 20_000]) {
      it(`attenuates a ${freq} Hz sine from ${inputRate} Hz by at least 90 dB`, () => {
        const y = steady(resampleInBlocks(inputRate, sine(inputRate, freq, 1, 0.5)));
        expect(dB(rms(y) / (0.5 / Math.SQRT2))).toBeLessThan(-90);
      });
    }
  }

  it('removes a 12 kHz tone mixed over a 1 kHz one (naive decimation would alias it to 4 kHz)', () => {
    const rate = 48_000;
    const low = sine(rate, 1000, 1, 0.4);
    const high = sine(rate, 12_000, 1, 0.4);
    const mixed = low.map((v, i) => v + high[i]!);
    const a = steady(resampleInBlocks(rate, mixed));
    const b = steady(resampleInBlocks(rate, low));
    let err = 0;
    for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
    expect(dB(err / 0.4)).toBeLessThan(-80);
    // The naive path for contrast: every third sample keeps the alias at full strength.
    const naive = mixed.filter((_, i) => i % 3 === 0);
    const naiveLow = low.filter((_, i) => i % 3 === 0);
    let naiveErr = 0;
    for (let i = 0; i < naive.length; i++) naiveErr = Math.max(naiveErr, Math.abs(naive[i]! - naiveLow[i]!));
    expect(dB(naiveErr / 0.4)).toBeGreaterThan(-1);
  });

  it('gives the same output whatever the block sizes', () => {
    const x = sine(44_100, 523, 0.5, 0.3);
    const a = resampleInBlocks(44_100, x, 128);
    const b = resampleInBlocks(44_100, x, 1);
    const c = resampleInBlocks(44_100, x, 4410);
    expect(b.length).toBe(a.length);
    expect(c.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      expect(b[i]).toBe(a[i]);
      expect(c[i]).toBe(a[i]);
    }
  });

  it('produces 16000 samples per second of input, less the filter delay', () => {
    const r = createResampler({ inputRate: 44_100, outputRate: OUT });
    let total = 0;
    for (let s = 0; s < 10; s++) total += r.process(new Float32Array(44_100)).length;
    const delay = Math.ceil((r.halfTaps * OUT) / 44_100);
    expect(Math.abs(total - (160_000 - delay))).toBeLessThanOrEqual(1);
  });

  it('rejects rates it cannot serve with a message naming the rate', () => {
    expect(() => createResampler({ inputRate: 0, outputRate: OUT })).toThrow(ResamplerError);
    expect(() => createResampler({ inputRate: 44_100.5, outputRate: OUT })).toThrow(/inputRate/);
    expect(() => createResampler({ inputRate: 44_101, outputRate: OUT })).toThrow(/44101 Hz → 16000 Hz/);
    expect(() => createResampler({ inputRate: 48_000, outputRate: OUT, passband: 1 })).toThrow(/passband/);
  });
});

describe('mixToMono', () => {
  it('averages channels', () => {
    const l = Float32Array.of(1, 0, -1);
    const r = Float32Array.of(0, 1, -1);
    expect([...mixToMono([l, r])]).toEqual([0.5, 0.5, -1]);
    expect([...mixToMono([l])]).toEqual([1, 0, -1]);
    expect(mixToMono([]).length).toBe(0);
  });
});
