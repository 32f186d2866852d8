import { describe, expect, it } from 'vitest';
import { DEFAULT_HYSTERESIS, HysteresisSegmenter, SileroFramer, VAD_CONTEXT, VAD_FRAME } from './silero';

describe('Silero framing', () => {
  const frames = (f: SileroFramer) => {
    const out: Float32Array[] = [];
    for (let x = f.next(); x; x = f.next()) out.push(x.slice());
    return out;
  };

  it('cuts arbitrary chunks into 64 + 512 sample inputs carrying the previous context', () => {
    const f = new SileroFramer();
    const ramp = Float32Array.from({ length: 1300 }, (_, i) => i);
    f.push(ramp.subarray(0, 700));
    const a = frames(f);
    f.push(ramp.subarray(700));
    const b = frames(f);
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(a[0]!.subarray(0, VAD_CONTEXT).every((v) => v === 0)).toBe(true);
    expect(a[0]![VAD_CONTEXT]).toBe(0);
    expect(b[0]![0]).toBe(VAD_FRAME - VAD_CONTEXT);
    expect(b[0]![VAD_CONTEXT]).toBe(VAD_FRAME);
    expect(f.framed).toBe(2 * VAD_FRAME);
  });

  it('gives the same frames whatever the chunk sizes, small or larger than its buffer', () => {
    const ramp = Float32Array.from({ length: 40_000 }, (_, i) => i);
    const whole = new SileroFramer();
    whole.push(ramp);
    const expected = frames(whole);
    expect(expected).toHaveLength(Math.floor(40_000 / VAD_FRAME));
    for (const size of [7, 100, 511, 512, 513, 4096, 5000, 39_999]) {
      const f = new SileroFramer();
      const got: Float32Array[] = [];
      for (let i = 0; i < ramp.length; i += size) {
        f.push(ramp.subarray(i, i + size));
        got.push(...frames(f));
      }
      const differs = got.findIndex((g, i) => g.some((v, j) => v !== expected[i]![j]));
      expect([got.length, differs], `chunks of ${size}`).toEqual([expected.length, -1]);
    }
    const last = expected.at(-1)!;
    expect(last[VAD_CONTEXT]).toBe((expected.length - 1) * VAD_FRAME);
    expect(last[0]).toBe((expected.length - 1) * VAD_FRAME - VAD_CONTEXT);
  });

  it('rewrites one input buffer in place instead of allocating one per frame', () => {
    const f = new SileroFramer();
    f.push(new Float32Array(3 * VAD_FRAME).fill(0.5));
    expect(f.next()).toBe(f.input);
    expect(f.next()).toBe(f.input);
    expect(f.next()).toBe(f.input);
    expect(f.next()).toBeNull();
  });
});

describe('hysteresis segmenter', () => {
  const frameS = DEFAULT_HYSTERESIS.frameMs / 1000;
  const run = (probs: number[]) => {
    const s = new HysteresisSegmenter();
    return [...probs.flatMap((p) => s.push(p)), ...s.flush()];
  };

  it('starts at the first speech frame and ends after the hangover, at the last speech frame', () => {
    const probs = [0.1, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, ...Array(20).fill(0.05)];
    const ev = run(probs);
    expect(ev[0]).toEqual({ type: 'start', at: 2 * frameS });
    expect(ev[1]).toEqual({ type: 'end', segment: { start: 2 * frameS, end: 8 * frameS } });
    expect(ev).toHaveLength(2);
  });

  it('holds through short pauses and through values between the thresholds', () => {
    const probs = [0.9, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.4, 0.4, 0.9, 0.9, ...Array(20).fill(0)];
    const ends = run(probs).filter((e) => e.type === 'end');
    expect(ends).toHaveLength(1);
  });

  it('discards clicks shorter than the minimum', () => {
    const ev = run([0.9, ...Array(20).fill(0)]);
    expect(ev.map((e) => e.type)).toEqual(['start', 'discard']);
  });

  it('closes an open segment on flush, and gives nothing for silence', () => {
    expect(run(Array(10).fill(0.9)).at(-1)).toMatchObject({ type: 'end' });
    expect(run(Array(50).fill(0.2))).toEqual([]);
  });

  it('refuses thresholds the wrong way round', () => {
    expect(() => new HysteresisSegmenter({ ...DEFAULT_HYSTERESIS, negative: 0.8 })).toThrow(/negative/);
  });
});
