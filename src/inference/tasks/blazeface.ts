// BlazeFace (front, 128×128) pre- and post-processing as pure functions: the letterbox that keeps the
// frame's aspect, the SSD anchors, box/keypoint decoding and non-maximum suppression. Coordinates in and
// out of this module are in source-image pixels.

export const BLAZEFACE_SIZE = 128;

export interface Letterbox {
  /** Source pixels → model pixels. */
  scale: number;
  /** Model-pixel padding on the left and top. */
  padX: number;
  padY: number;
}

export function letterbox(width: number, height: number, size = BLAZEFACE_SIZE): Letterbox {
  const scale = size / Math.max(width, height);
  return { scale, padX: (size - width * scale) / 2, padY: (size - height * scale) / 2 };
}

export interface Anchor {
  x: number;
  y: number;
}

/** 16×16 cells × 2 anchors (stride 8), then 8×8 cells × 6 anchors (strides 16, 16, 16 merged): 896. */
export function blazeFaceAnchors(size = BLAZEFACE_SIZE): Anchor[] {
  const anchors: Anchor[] = [];
  for (const [grid, perCell] of [
    [size / 8, 2],
    [size / 16, 6],
  ] as const) {
    for (let y = 0; y < grid; y++)
      for (let x = 0; x < grid; x++)
        for (let k = 0; k < perCell; k++) anchors.push({ x: (x + 0.5) / grid, y: (y + 0.5) / grid });
  }
  return anchors;
}

export interface Face {
  /** Source-image pixels. */
  box: { x: number; y: number; width: number; height: number };
  /** Right eye, left eye, nose tip, mouth, right ear, left ear (subject's right/left), source pixels. */
  keypoints: { x: number; y: number }[];
  score: number;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, v))));

/**
 * Turns the model's two heads (scores [n,1] and regressors [n,16] per head, concatenated in anchor order)
 * into faces above `minScore`, then suppresses overlaps above `iou`.
 */
export function decodeBlazeFace(
  scores: Float32Array,
  regressors: Float32Array,
  anchors: readonly Anchor[],
  lb: Letterbox,
  opts: { minScore: number; iou: number; size?: number },
): Face[] {
  const size = opts.size ?? BLAZEFACE_SIZE;
  if (scores.length !== anchors.length || regressors.length !== anchors.length * 16)
    throw new Error(
      `BlazeFace output has ${scores.length} scores / ${regressors.length / 16} boxes, expected ${anchors.length}`,
    );
  const toSrcX = (mx: number) => (mx - lb.padX) / lb.scale;
  const toSrcY = (my: number) => (my - lb.padY) / lb.scale;
  const candidates: Face[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = sigmoid(scores[i]!);
    if (score < opts.minScore) continue;
    const a = anchors[i]!;
    const r = i * 16;
    const cx = regressors[r]! + a.x * size;
    const cy = regressors[r + 1]! + a.y * size;
    const w = regressors[r + 2]!;
    const h = regressors[r + 3]!;
    const keypoints = [];
    for (let k = 0; k < 6; k++)
      keypoints.push({
        x: toSrcX(regressors[r + 4 + k * 2]! + a.x * size),
        y: toSrcY(regressors[r + 5 + k * 2]! + a.y * size),
      });
    candidates.push({
      box: { x: toSrcX(cx - w / 2), y: toSrcY(cy - h / 2), width: w / lb.scale, height: h / lb.scale },
      keypoints,
      score,
    });
  }
  return nonMaxSuppression(candidates, opts.iou);
}

export function iou(a: Face['box'], b: Face['box']): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS, highest score first. */
export function nonMaxSuppression(faces: Face[], threshold: number): Face[] {
  const sorted = [...faces].sort((p, q) => q.score - p.score);
  const kept: Face[] = [];
  for (const f of sorted) if (kept.every((k) => iou(k.box, f.box) <= threshold)) kept.push(f);
  return kept;
}

/** RGBA pixels of the letterboxed 128×128 image → NHWC float32 in [-1, 1]. */
export function rgbaToBlazeFaceInput(rgba: Uint8ClampedArray, size = BLAZEFACE_SIZE): Float32Array {
  const out = new Float32Array(size * size * 3);
  for (let i = 0, j = 0; i < size * size; i++, j += 4) {
    out[i * 3] = rgba[j]! / 127.5 - 1;
    out[i * 3 + 1] = rgba[j + 1]! / 127.5 - 1;
    out[i * 3 + 2] = rgba[j + 2]! / 127.5 - 1;
  }
  return out;
}
