import { describe, expect, it } from 'vitest';
import { countSwings, GestureTracker, isHandRaised, POSE, type Landmark } from './gestures';

function pose(rightWrist: { x: number; y: number }, visibility = 0.9): Landmark[] {
  const p: Landmark[] = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, visibility }));
  p[POSE.leftShoulder] = { x: 0.6, y: 0.5, visibility };
  p[POSE.rightShoulder] = { x: 0.4, y: 0.5, visibility };
  p[POSE.leftWrist] = { x: 0.6, y: 0.8, visibility };
  p[POSE.rightWrist] = { ...rightWrist, visibility };
  return p;
}

describe('gestures', () => {
  it('a wrist above its shoulder is a raised hand; a hidden one is not', () => {
    expect(isHandRaised(pose({ x: 0.4, y: 0.3 }), 'right')).toBe(true);
    expect(isHandRaised(pose({ x: 0.4, y: 0.3 }), 'left')).toBe(false);
    expect(isHandRaised(pose({ x: 0.4, y: 0.48 }), 'right')).toBe(false);
    expect(isHandRaised(pose({ x: 0.4, y: 0.3 }, 0.1), 'right')).toBe(false);
  });

  it('a raised wrist swinging side to side is a wave; a still one is only raised', () => {
    const t = new GestureTracker();
    const xs = [0.3, 0.4, 0.3, 0.4, 0.3];
    const out = xs.map((x, i) => t.push(pose({ x, y: 0.3 }), i * 200));
    expect(out[0]).toEqual([{ gesture: 'hand-raised', side: 'right' }]);
    expect(out.at(-1)).toContainEqual({ gesture: 'wave', side: 'right' });
    const still = new GestureTracker();
    const s = xs.map((_, i) => still.push(pose({ x: 0.3, y: 0.3 }), i * 200));
    expect(s.flat().some((g) => g.gesture === 'wave')).toBe(false);
  });

  it('swings too slow for the window are not a wave', () => {
    const t = new GestureTracker();
    const out = [0.3, 0.4, 0.3, 0.4].map((x, i) => t.push(pose({ x, y: 0.3 }), i * 1000));
    expect(out.flat().some((g) => g.gesture === 'wave')).toBe(false);
  });

  it('counts direction changes above the amplitude only', () => {
    expect(countSwings([0, 0.1, 0, 0.1], 0.05)).toBe(2);
    expect(countSwings([0, 0.01, 0, 0.01], 0.05)).toBe(0);
  });
});
