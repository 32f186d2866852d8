// Image inputs of the vision tasks (ImageBitmap, ImageData, an encoded Blob, a camera VideoFrame) made
// drawable, and pixels read back at the size a model wants. One canvas per output size is reused.
import { InferenceInputError } from './errors';

export type ImageInput = ImageBitmap | ImageData | Blob | VideoFrame;

export interface Drawable {
  source: ImageBitmap | VideoFrame;
  width: number;
  height: number;
  /** Frees what this module created (a decoded Blob); the caller's own image is left alone. */
  release(): void;
}

const isVideoFrame = (x: unknown): x is VideoFrame =>
  typeof VideoFrame !== 'undefined' && x instanceof VideoFrame;

export async function toDrawable(input: unknown, task: string): Promise<Drawable> {
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) {
    if (input.width === 0) throw new InferenceInputError(task, 'the ImageBitmap is closed or empty');
    return { source: input, width: input.width, height: input.height, release: () => {} };
  }
  if (isVideoFrame(input)) {
    if (input.displayWidth === 0) throw new InferenceInputError(task, 'the VideoFrame is closed or empty');
    return { source: input, width: input.displayWidth, height: input.displayHeight, release: () => {} };
  }
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    const bmp = await createImageBitmap(input);
    return { source: bmp, width: bmp.width, height: bmp.height, release: () => bmp.close() };
  }
  if (input instanceof Blob) {
    let bmp: ImageBitmap;
    try {
      bmp = await createImageBitmap(input);
    } catch (err) {
      throw new InferenceInputError(
        task,
        `the ${input.type || 'untyped'} Blob (${input.size} bytes) is not a decodable image: ${String(err)}`,
      );
    }
    return { source: bmp, width: bmp.width, height: bmp.height, release: () => bmp.close() };
  }
  throw new InferenceInputError(
    task,
    `expected an ImageBitmap, ImageData, VideoFrame or image Blob, got ${describe(input)}`,
  );
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'an object';
}

export interface PixelReader {
  /**
   * Draws `src` (a rectangle of the drawable, default all of it) into a `w`×`h` canvas, optionally at an
   * offset/scale (letterbox), and returns its RGBA pixels. Areas not covered are black.
   */
  read(
    d: Drawable,
    w: number,
    h: number,
    place?: {
      sx: number;
      sy: number;
      sw: number;
      sh: number;
      dx: number;
      dy: number;
      dw: number;
      dh: number;
    },
  ): Uint8ClampedArray;
}

export function createPixelReader(): PixelReader {
  const canvases = new Map<string, OffscreenCanvasRenderingContext2D>();
  const ctxFor = (w: number, h: number) => {
    const key = `${w}x${h}`;
    let ctx = canvases.get(key);
    if (!ctx) {
      const c = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
      if (!c) throw new Error('OffscreenCanvas 2d context unavailable');
      ctx = c;
      canvases.set(key, ctx);
    }
    return ctx;
  };
  return {
    read(d, w, h, place) {
      const ctx = ctxFor(w, h);
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, w, h);
      const p = place ?? { sx: 0, sy: 0, sw: d.width, sh: d.height, dx: 0, dy: 0, dw: w, dh: h };
      ctx.drawImage(d.source, p.sx, p.sy, p.sw, p.sh, p.dx, p.dy, p.dw, p.dh);
      return ctx.getImageData(0, 0, w, h).data;
    },
  };
}
