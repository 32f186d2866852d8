// Builds the fake camera (.y4m) and microphone (.wav) files from the committed real media before Chromium
// starts: Chromium opens them at launch (--use-file-for-fake-*-capture) and fails if they are missing.
import { mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import {
  AUDIO_SEGMENTS,
  CAMERA,
  CAMERA_FILE,
  GENERATED_DIR,
  MIC,
  MIC_FILE,
  MIC_TIMELINE_FILE,
  VIDEO_SEGMENTS,
} from './fixtures/timeline';
import { decodeWav, encodeWav } from './fixtures/wav';

const root = resolve(import.meta.dirname, '..');
const media = (f: string) => resolve(root, 'e2e/fixtures/media', f);

/** RGBA → I420 with BT.601 limited-range coefficients (what ffmpeg's yuv420p gives). */
export function rgbaToI420(rgba: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array((w * h * 3) / 2);
  const u0 = w * h;
  const v0 = u0 + (w * h) / 4;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      const r = rgba[p]!;
      const g = rgba[p + 1]!;
      const b = rgba[p + 2]!;
      out[y * w + x] = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    }
  }
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const p = ((y + dy) * w + x + dx) * 4;
        r += rgba[p]!;
        g += rgba[p + 1]!;
        b += rgba[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const i = (y / 2) * (w / 2) + x / 2;
      out[u0 + i] = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
      out[v0 + i] = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    }
  }
  return out;
}

/** The fake camera's file: VIDEO_SEGMENTS at `fps` (the soak bench plays them at 30). */
export async function writeCamera(fps: number = CAMERA.fps, path: string = CAMERA_FILE): Promise<void> {
  const { width, height } = CAMERA;
  const file = createWriteStream(resolve(root, path));
  file.write(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n`);
  for (const seg of VIDEO_SEGMENTS) {
    const img = jpeg.decode(readFileSync(media(seg.image)), { useTArray: true });
    if (img.width !== width || img.height !== height) {
      throw new Error(`${seg.image} is ${img.width}×${img.height}; the fake camera needs ${width}×${height}`);
    }
    const frame = rgbaToI420(img.data, width, height);
    for (let i = 0; i < seg.seconds * fps; i++) {
      file.write('FRAME\n');
      file.write(frame);
    }
  }
  await new Promise<void>((done, fail) => file.end((err?: Error | null) => (err ? fail(err) : done())));
}

function writeMicrophone(): void {
  const parts: Float32Array[] = [];
  const speech: { start: number; end: number; transcript: string }[] = [];
  let at = 0;
  for (const seg of AUDIO_SEGMENTS) {
    if (seg.kind === 'silence') {
      parts.push(new Float32Array(Math.round(seg.seconds * MIC.sampleRate)));
    } else {
      const pcm = decodeWav(readFileSync(media(seg.file)));
      if (pcm.sampleRate !== MIC.sampleRate || pcm.channels !== 1) {
        throw new Error(
          `${seg.file} must be ${MIC.sampleRate} Hz mono (is ${pcm.sampleRate} Hz, ${pcm.channels} ch)`,
        );
      }
      parts.push(pcm.samples);
      speech.push({
        start: at / MIC.sampleRate,
        end: (at + pcm.samples.length) / MIC.sampleRate,
        transcript: seg.transcript,
      });
    }
    at += parts.at(-1)!.length;
  }
  const samples = new Float32Array(at);
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  writeFileSync(resolve(root, MIC_FILE), encodeWav({ sampleRate: MIC.sampleRate, channels: 1, samples }));
  writeFileSync(
    resolve(root, MIC_TIMELINE_FILE),
    JSON.stringify({ sampleRate: MIC.sampleRate, seconds: at / MIC.sampleRate, speech }, null, 2),
  );
}

export default async function globalSetup(): Promise<void> {
  mkdirSync(resolve(root, GENERATED_DIR), { recursive: true });
  writeMicrophone();
  await writeCamera();
}
