import { describe, expect, it } from 'vitest';
import {
  blazeFaceAnchors,
  decodeBlazeFace,
  letterbox,
  nonMaxSuppression,
  rgbaToBlazeFaceInput,
} from './blazeface';

const logit = (p: number) => Math.log(p / (1 - p));

describe('BlazeFace decoding', () => {
  const anchors = blazeFaceAnchors();

  it('has 896 anchors: 16×16×2 then 8×8×6', () => {
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual({ x: 1 / 32, y: 1 / 32 });
    expect(anchors[512]).toEqual({ x: 1 / 16, y: 1 / 16 });
    expect(anchors[895]).toEqual({ x: 15 / 16, y: 15 / 16 });
  });

  it('maps a box through the letterbox back to source pixels', () => {
    // 640×480 → scale 0.2, 16 px of padding top and bottom.
    const lb = letterbox(640, 480);
    expect(lb).toEqual({ scale: 0.2, padX: 0, padY: 16 });
    const scores = new Float32Array(896).fill(-10);
    const regs = new Float32Array(896 * 16);
    // Anchor 512 is centred at (8, 8) model px; move the centre to (64, 52) and make it 32×32.
    const i = 512;
    scores[i] = logit(0.9);
    regs.set([56, 44, 32, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], i * 16);
    const faces = decodeBlazeFace(scores, regs, anchors, lb, { minScore: 0.5, iou: 0.3 });
    expect(faces).toHaveLength(1);
    const f = faces[0]!;
    expect(f.score).toBeCloseTo(0.9, 5);
    expect(f.box.x).toBeCloseTo((64 - 16) / 0.2, 4);
    expect(f.box.y).toBeCloseTo((52 - 16 - 16) / 0.2, 4);
    expect(f.box.width).toBeCloseTo(160, 4);
    expect(f.keypoints[0]).toEqual({ x: 8 / 0.2, y: (8 - 16) / 0.2 });
  });

  it('drops low scores and suppresses overlapping boxes, keeping the best', () => {
    const box = (x: number, score: number) => ({
      box: { x, y: 0, width: 10, height: 10 },
      keypoints: [],
      score,
    });
    expect(nonMaxSuppression([box(0, 0.7), box(1, 0.9), box(50, 0.8)], 0.3).map((f) => f.score)).toEqual([
      0.9, 0.8,
    ]);
    const lb = letterbox(128, 128);
    const scores = new Float32Array(896).fill(logit(0.4));
    expect(
      decodeBlazeFace(scores, new Float32Array(896 * 16), anchors, lb, { minScore: 0.5, iou: 0.3 }),
    ).toEqual([]);
  });

  it('refuses outputs of the wrong shape', () => {
    expect(() =>
      decodeBlazeFace(new Float32Array(10), new Float32Array(160), anchors, letterbox(1, 1), {
        minScore: 0.5,
        iou: 0.3,
      }),
    ).toThrow(/expected 896/);
  });

  it('scales pixels to [-1, 1]', () => {
    const px = new Uint8ClampedArray(128 * 128 * 4);
    px.set([0, 255, 127.5, 255]);
    const x = rgbaToBlazeFaceInput(px);
    expect([x[0], x[1]]).toEqual([-1, 1]);
    expect(x.length).toBe(128 * 128 * 3);
  });
});
