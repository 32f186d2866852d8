import { describe, expect, it } from 'vitest';
import { containRect, mapBox, mapPoint, POSE_EDGES, skeletonLines, type Landmark } from './overlay-geometry';

describe('containRect', () => {
  it('fills a box of the same aspect', () => {
    expect(containRect({ width: 640, height: 480 }, { width: 320, height: 240 })).toEqual({
      x: 0,
      y: 0,
      width: 320,
      height: 240,
    });
  });

  it('letterboxes a 4:3 frame in a wide box (bars left and right) and a tall box (bars above and below)', () => {
    expect(containRect({ width: 640, height: 480 }, { width: 800, height: 300 })).toEqual({
      x: 200,
      y: 0,
      width: 400,
      height: 300,
    });
    expect(containRect({ width: 640, height: 480 }, { width: 320, height: 400 })).toEqual({
      x: 0,
      y: 80,
      width: 320,
      height: 240,
    });
  });

  it('refuses empty or broken sizes, naming which one', () => {
    expect(() => containRect({ width: 0, height: 480 }, { width: 1, height: 1 })).toThrow(
      'the frame must have a positive, finite width and height (got 0×480)',
    );
    expect(() => containRect({ width: 640, height: 480 }, { width: 10, height: NaN })).toThrow(/display box/);
  });
});

describe('mapBox / mapPoint', () => {
  const content = { x: 200, y: 0, width: 400, height: 300 }; // 640×480 shown at 0.625, 200 px from the left

  it('scales a box in frame pixels and shifts it into the letterboxed picture', () => {
    expect(mapBox({ x: 320, y: 240, width: 64, height: 48 }, { width: 640, height: 480 }, content)).toEqual({
      x: 400,
      y: 150,
      width: 40,
      height: 30,
    });
  });

  it('uses the frame size the detection was made on, whatever the picture size', () => {
    // A detection on a 320×240 copy lands where the same spot of the 640×480 picture is shown.
    expect(mapBox({ x: 160, y: 120, width: 32, height: 24 }, { width: 320, height: 240 }, content)).toEqual({
      x: 400,
      y: 150,
      width: 40,
      height: 30,
    });
    expect(() => mapBox({ x: 0, y: 0, width: 1, height: 1 }, { width: 0, height: 0 }, content)).toThrow(
      /frame/,
    );
  });

  it('places normalised landmarks (0…1, y down) in the picture', () => {
    expect(mapPoint({ x: 0, y: 0 }, content)).toEqual({ x: 200, y: 0 });
    expect(mapPoint({ x: 1, y: 1 }, content)).toEqual({ x: 600, y: 300 });
    expect(mapPoint({ x: 0.5, y: 0.25 }, content)).toEqual({ x: 400, y: 75 });
  });
});

describe('skeletonLines', () => {
  const content = { x: 0, y: 0, width: 100, height: 100 };
  const pose = (visibility: number): Landmark[] =>
    Array.from({ length: 33 }, (_, i) => ({ x: i / 100, y: i / 100, visibility }));

  it('draws every edge of a fully visible 33-point pose, in display pixels', () => {
    const lines = skeletonLines(pose(0.9), content);
    expect(lines).toHaveLength(POSE_EDGES.length);
    expect(lines[0]).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ]);
  });

  it('leaves out edges touching a landmark the model could not see, or one that is missing', () => {
    const p = pose(0.9);
    p[11] = { ...p[11]!, visibility: 0.1 }; // left shoulder: 3 edges touch it (12, 13, 23)
    expect(skeletonLines(p, content)).toHaveLength(POSE_EDGES.length - 3);
    expect(skeletonLines(pose(0.2), content)).toEqual([]);
    expect(skeletonLines(pose(0.9).slice(0, 11), content).length).toBeLessThan(POSE_EDGES.length);
  });
});
