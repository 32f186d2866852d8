// Simple gestures from pose landmarks (MediaPipe's 33-point topology, normalised image coordinates with
// y growing downwards): a hand raised above the shoulder, and a wave (a raised wrist swinging side to side).
// Pure and time-injected: the caller passes each frame's timestamp.

export const POSE = {
  nose: 0,
  leftShoulder: 11,
  rightShoulder: 12,
  leftElbow: 13,
  rightElbow: 14,
  leftWrist: 15,
  rightWrist: 16,
} as const;

export interface Landmark {
  x: number;
  y: number;
  visibility: number;
}

export type Side = 'left' | 'right';
export type Gesture = { gesture: 'hand-raised'; side: Side } | { gesture: 'wave'; side: Side };

export interface GestureOptions {
  minVisibility: number;
  /** How far (normalised) the wrist must be above the shoulder. */
  raiseMargin: number;
  /** Window in which a wave's side-to-side swings are counted. */
  waveWindowMs: number;
  /** Direction changes needed within the window. */
  waveSwings: number;
  /** Minimum horizontal travel (normalised) of each swing. */
  waveAmplitude: number;
}

export const DEFAULT_GESTURES: Readonly<GestureOptions> = Object.freeze({
  minVisibility: 0.5,
  raiseMargin: 0.05,
  waveWindowMs: 1500,
  waveSwings: 2,
  waveAmplitude: 0.04,
});

export function isHandRaised(pose: readonly Landmark[], side: Side, o = DEFAULT_GESTURES): boolean {
  const wrist = pose[side === 'left' ? POSE.leftWrist : POSE.rightWrist];
  const shoulder = pose[side === 'left' ? POSE.leftShoulder : POSE.rightShoulder];
  if (!wrist || !shoulder) return false;
  if (wrist.visibility < o.minVisibility || shoulder.visibility < o.minVisibility) return false;
  return wrist.y < shoulder.y - o.raiseMargin;
}

/** Keeps a short history of raised wrists per side and reports hand-raised and wave on each frame. */
export class GestureTracker {
  private history: Record<Side, { t: number; x: number }[]> = { left: [], right: [] };

  constructor(private readonly o: GestureOptions = DEFAULT_GESTURES) {}

  push(pose: readonly Landmark[], t: number): Gesture[] {
    const out: Gesture[] = [];
    for (const side of ['left', 'right'] as const) {
      const h = this.history[side];
      if (!isHandRaised(pose, side, this.o)) {
        h.length = 0;
        continue;
      }
      out.push({ gesture: 'hand-raised', side });
      h.push({ t, x: pose[side === 'left' ? POSE.leftWrist : POSE.rightWrist]!.x });
      while (h.length > 0 && t - h[0]!.t > this.o.waveWindowMs) h.shift();
      if (
        countSwings(
          h.map((p) => p.x),
          this.o.waveAmplitude,
        ) >= this.o.waveSwings
      )
        out.push({ gesture: 'wave', side });
    }
    return out;
  }
}

/** Direction changes of a 1-D track, ignoring moves smaller than `amplitude`. */
export function countSwings(xs: readonly number[], amplitude: number): number {
  let swings = 0;
  let dir = 0;
  let anchor = xs[0];
  for (const x of xs) {
    if (anchor === undefined) break;
    const d = x - anchor;
    if (Math.abs(d) < amplitude) continue;
    const nd = Math.sign(d);
    if (dir !== 0 && nd !== dir) swings++;
    dir = nd;
    anchor = x;
  }
  return swings;
}
