// The camera preview's overlay: face boxes (vision.face) and pose skeletons (vision.pose) stroked on a canvas
// laid exactly over the <video>, in the same letterboxed rectangle as the picture (overlay-geometry.ts). A
// detection is drawn only while the frame it was found in is recent (by its capture time, not by when the
// model answered), so a slow or stalled model leaves no ghost box over a changed scene.
import type { PerceptionEvents } from '../../index';
import { observeSize } from '../dom';
import { containRect, mapBox, skeletonLines, type Size } from './overlay-geometry';

/** Colours that appear nowhere in ordinary scenes, so the overlay is easy to see (and to find in a screenshot). */
export const OVERLAY_COLOURS = { face: '#ff00ff', pose: '#00ffff' } as const;

export interface Overlay {
  /** `capturedAt`: the event's ts, the frame's capture time (ms since epoch). */
  faces(p: PerceptionEvents['vision.face'], capturedAt: number): void;
  poses(p: PerceptionEvents['vision.pose'], capturedAt: number): void;
  clear(): void;
  destroy(): void;
}

interface Held<P> {
  payload: P;
  capturedAt: number;
}

export function createOverlay(
  video: HTMLVideoElement,
  canvas: HTMLCanvasElement,
  maxAgeMs = 1500,
  now: () => number = Date.now,
): Overlay {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the overlay canvas has no 2D context');
  let faces: Held<PerceptionEvents['vision.face']> | null = null;
  let poses: Held<PerceptionEvents['vision.pose']> | null = null;
  let frameRequest = 0;
  let expiry: ReturnType<typeof setTimeout> | undefined;

  const fresh = <P>(h: Held<P> | null, t: number): h is Held<P> => h !== null && t - h.capturedAt < maxAgeMs;

  function draw(): void {
    frameRequest = 0;
    const dpr = globalThis.devicePixelRatio || 1;
    // Drawn every animation frame while detections arrive: never a layout read here (see observeSize).
    const box = { width: size.width, height: size.height };
    const w = Math.round(box.width * dpr);
    const h = Math.round(box.height * dpr);
    if (canvas.width !== w || canvas.height !== h) Object.assign(canvas, { width: w, height: h });
    ctx!.setTransform(1, 0, 0, 1, 0, 0);
    ctx!.clearRect(0, 0, canvas.width, canvas.height);
    if (box.width === 0 || box.height === 0) return;
    ctx!.setTransform(dpr, 0, 0, dpr, 0, 0);
    const t = now();
    const shown = (p: Size): Size =>
      video.videoWidth > 0 ? { width: video.videoWidth, height: video.videoHeight } : p;
    if (fresh(faces, t) && faces.payload.width > 0) {
      const f = faces.payload;
      const content = containRect(shown(f), box);
      ctx!.strokeStyle = OVERLAY_COLOURS.face;
      ctx!.lineWidth = 3;
      for (const face of f.faces) {
        const r = mapBox(face.box, f, content);
        ctx!.strokeRect(r.x, r.y, r.width, r.height);
      }
    }
    if (fresh(poses, t) && poses.payload.width > 0) {
      const p = poses.payload;
      const content = containRect(shown(p), box);
      ctx!.strokeStyle = OVERLAY_COLOURS.pose;
      ctx!.lineWidth = 2;
      ctx!.beginPath();
      for (const pose of p.poses)
        for (const [a, b] of skeletonLines(pose, content)) {
          ctx!.moveTo(a.x, a.y);
          ctx!.lineTo(b.x, b.y);
        }
      ctx!.stroke();
    }
  }

  const redraw = () => {
    if (!frameRequest) frameRequest = requestAnimationFrame(draw);
    // Redraw once more when the newest detection goes stale, to take it off the picture.
    clearTimeout(expiry);
    const newest = Math.max(faces?.capturedAt ?? -Infinity, poses?.capturedAt ?? -Infinity);
    const staleIn = newest + maxAgeMs - now();
    if (staleIn > 0) expiry = setTimeout(redraw, staleIn + 20);
  };
  const size = observeSize(canvas, redraw);
  video.addEventListener('resize', redraw);

  return {
    faces(p, capturedAt) {
      faces = { payload: p, capturedAt };
      redraw();
    },
    poses(p, capturedAt) {
      poses = { payload: p, capturedAt };
      redraw();
    },
    clear() {
      faces = null;
      poses = null;
      redraw();
    },
    destroy() {
      size.disconnect();
      video.removeEventListener('resize', redraw);
      cancelAnimationFrame(frameRequest);
      clearTimeout(expiry);
    },
  };
}
