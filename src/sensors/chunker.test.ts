import { describe, expect, it } from 'vitest';
import { createChunker } from './chunker';
import { createLevelMeter, rmsOf } from './level-meter';

describe('createChunker', () => {
  it('emits fixed-size chunks in order across uneven pushes and keeps the remainder', () => {
    const c = createChunker(4);
    const out: number[][] = [];
    const emit = (x: Float32Array) => out.push([...x]);
    c.push(Float32Array.of(1, 2, 3), emit);
    c.push(Float32Array.of(4, 5), emit);
    c.push(Float32Array.of(6, 7, 8, 9, 10, 11), emit);
    expect(out).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(c.pending).toBe(3);
    c.reset();
    c.push(Float32Array.of(20, 21, 22, 23), emit);
    expect(out.at(-1)).toEqual([20, 21, 22, 23]);
  });

  it('hands out independent buffers (one can be detached without touching the next)', () => {
    const c = createChunker(2);
    const out: Float32Array[] = [];
    c.push(Float32Array.of(1, 2, 3, 4), (x) => out.push(x));
    expect(out[0]!.buffer).not.toBe(out[1]!.buffer);
    structuredClone(out[0]!.buffer, { transfer: [out[0]!.buffer] });
    expect(out[0]!.length).toBe(0);
    expect([...out[1]!]).toEqual([3, 4]);
  });

  it('rejects a bad size', () => {
    expect(() => createChunker(0)).toThrow(/chunk size/);
    expect(() => createChunker(1.5)).toThrow(/chunk size/);
  });
});

describe('createLevelMeter', () => {
  it('reports RMS, peak and dBFS once per window', () => {
    const m = createLevelMeter(4);
    expect(m.add(Float32Array.of(0.5, -0.5))).toBeNull();
    const r = m.add(Float32Array.of(0.5, -1));
    expect(r).not.toBeNull();
    expect(r!.rms).toBeCloseTo(Math.sqrt((0.25 * 3 + 1) / 4), 6);
    expect(r!.peak).toBe(1);
    expect(r!.samples).toBe(4);
    expect(m.add(new Float32Array(4))!.dbfs).toBe(-100); // digital silence: the floor, not -Infinity
    expect(m.add(new Float32Array(4).fill(1e-30))!.dbfs).toBe(-100); // denormal dust (was -600 dBFS)
    expect(m.add(new Float32Array(4).fill(0.01))!.dbfs).toBeCloseTo(-40, 6);
  });

  it('rmsOf a full-scale sine is 1/√2', () => {
    const x = new Float32Array(1600).map((_, i) => Math.sin((2 * Math.PI * i) / 16));
    expect(rmsOf(x)).toBeCloseTo(Math.SQRT1_2, 4);
    expect(rmsOf(new Float32Array(0))).toBe(0);
  });
});
