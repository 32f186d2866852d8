// Where things the models found in a camera frame land on the screen. The <video> shows the frame scaled to
// fit its box (object-fit: contain), so boxes (frame pixels) and landmarks (0…1 of the frame) go through the
// same letterboxed rectangle as the picture. Pure: the drawing code (overlay.ts) only strokes what this returns.

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

function checkSize(what: string, s: Size): void {
  if (!(s.width > 0 && s.height > 0 && Number.isFinite(s.width) && Number.isFinite(s.height)))
    throw new RangeError(
      `${what} must have a positive, finite width and height (got ${s.width}×${s.height})`,
    );
}

/** The rectangle a `frame` occupies inside a `box` with object-fit: contain (centred, aspect kept). */
export function containRect(frame: Size, box: Size): Rect {
  checkSize('the frame', frame);
  checkSize('the display box', box);
  const scale = Math.min(box.width / frame.width, box.height / frame.height);
  const width = frame.width * scale;
  const height = frame.height * scale;
  return { x: (box.width - width) / 2, y: (box.height - height) / 2, width, height };
}

/** A box in the pixels of a `frame` of the given size → display pixels inside `content`. */
export function mapBox(box: Rect, frame: Size, content: Rect): Rect {
  checkSize('the frame', frame);
  const sx = content.width / frame.width;
  const sy = content.height / frame.height;
  return {
    x: content.x + box.x * sx,
    y: content.y + box.y * sy,
    width: box.width * sx,
    height: box.height * sy,
  };
}

/** A landmark in normalised frame coordinates (0…1, y down) → display pixels inside `content`. */
export function mapPoint(p: Point, content: Rect): Point {
  return { x: content.x + p.x * content.width, y: content.y + p.y * content.height };
}

/** MediaPipe's 33-point pose topology: which landmarks a skeleton line joins. */
export const POSE_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 7],
  [0, 4],
  [4, 5],
  [5, 6],
  [6, 8],
  [9, 10],
  [11, 12],
  [11, 13],
  [13, 15],
  [15, 17],
  [15, 19],
  [15, 21],
  [17, 19],
  [12, 14],
  [14, 16],
  [16, 18],
  [16, 20],
  [16, 22],
  [18, 20],
  [11, 23],
  [12, 24],
  [23, 24],
  [23, 25],
  [24, 26],
  [25, 27],
  [26, 28],
  [27, 29],
  [28, 30],
  [29, 31],
  [30, 32],
  [27, 31],
  [28, 32],
];

export interface Landmark extends Point {
  visibility: number;
}

/** Skeleton lines in display pixels, leaving out any that touch a landmark the model could not see. */
export function skeletonLines(
  pose: readonly Landmark[],
  content: Rect,
  minVisibility = 0.5,
): [Point, Point][] {
  const lines: [Point, Point][] = [];
  for (const [a, b] of POSE_EDGES) {
    const pa = pose[a];
    const pb = pose[b];
    if (!pa || !pb || pa.visibility < minVisibility || pb.visibility < minVisibility) continue;
    lines.push([mapPoint(pa, content), mapPoint(pb, content)]);
  }
  return lines;
}
