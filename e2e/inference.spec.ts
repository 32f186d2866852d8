// sentio.infer with the real models and real media, in Chromium (default args: isolated, software WebGPU).
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { serveMedia } from './fixtures/serve-media';
import { micSpeechSpans } from './fixtures/speech-bounds';
import { wordErrorRate } from '../src/inference/wer';

const root = resolve(import.meta.dirname, '..');

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await serveMedia(page);
  await page.goto('/');
  await page.waitForFunction(() => typeof window.sentio?.infer === 'function');
});

test('face detection finds the face in the face photo and none in the no-face photo', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const blob = (f: string) => fetch(`/__media/${f}`).then((x) => x.blob());
    const face = await window.sentio!.inference().infer('face-detection', await blob('face-640x480.jpg'));
    const none = await window.sentio!.inference().infer('face-detection', await blob('noface-640x480.jpg'));
    // The same photo as ImageData and as an ImageBitmap.
    const bmp = await createImageBitmap(await blob('face-640x480.jpg'));
    const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const fromData = await window
      .sentio!.inference()
      .infer('face-detection', ctx.getImageData(0, 0, bmp.width, bmp.height));
    const fromBitmap = await window.sentio!.inference().infer('face-detection', bmp);
    const bad = await window
      .sentio!.inference()
      .infer('face-detection', new Blob(['not an image'], { type: 'image/png' }))
      .catch((e: Error) => `${e.name}: ${e.message}`);
    return { face, none, fromData, fromBitmap, bad };
  });
  expect(r.face.output.faces).toHaveLength(1);
  const f = r.face.output.faces[0]!;
  expect(f.score).toBeGreaterThan(0.75);
  // The astronaut's face sits in the upper middle of the padded 640×480 frame.
  expect(f.box.x).toBeGreaterThan(200);
  expect(f.box.x + f.box.width).toBeLessThan(480);
  expect(f.box.y).toBeLessThan(200);
  expect(f.keypoints).toHaveLength(6);
  expect(r.none.output.faces).toHaveLength(0);
  for (const other of [r.fromData, r.fromBitmap]) {
    expect(other.output.faces).toHaveLength(1);
    expect(Math.abs(other.output.faces[0]!.box.x - f.box.x)).toBeLessThan(1);
  }
  expect(r.bad).toMatch(
    /^InferenceInputError: bad input for "face-detection": the image\/png Blob \(12 bytes\) is not a decodable image/,
  );
  // A software WebGPU adapter ranks below WASM, so WASM ran and nothing was tried before it.
  expect(r.face.backend).toBe('onnxruntime-wasm');
  expect(r.face.threads).toBeGreaterThan(1);
  expect(r.face.timings.modelMs).toBeGreaterThan(0);
});

test('the smiling astronaut is classified happy', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    return window.sentio!.inference().infer('facial-expression', blob);
  });
  expect(r.output.faces).toHaveLength(1);
  expect(r.output.faces[0]!.expression).toBe('happy');
  expect(r.output.faces[0]!.score).toBeGreaterThan(0.8);
  expect(r.backend).toBe('tfjs-cpu');
  expect(r.output.detection).toMatchObject({ backend: 'onnxruntime-wasm', model: 'blazeface-front-128' });
  expect(r.output.detection!.faces[0]!.keypoints).toHaveLength(6);
});

test('voice activity lines up with the fixture speech within 200 ms, and noise gives none', async ({
  page,
}) => {
  const speech = micSpeechSpans(root);
  const r = await page.evaluate(async () => {
    const blob = (f: string) => fetch(f).then((x) => x.blob());
    const mic = await window
      .sentio!.inference()
      .infer('voice-activity', await blob('/__generated/microphone.wav'));
    const noise = await window.sentio!.inference().infer('voice-activity', await blob('/__media/noise.wav'));
    return { mic, noise };
  });
  expect(r.mic.backend).toBe('onnxruntime-wasm-single');
  expect(r.mic.threads).toBe(1);
  const segments = r.mic.output.segments!;
  test.info().annotations.push({
    type: 'segments',
    description: `VAD ${JSON.stringify(segments)} vs reference ${JSON.stringify(speech)}`,
  });
  expect(segments).toHaveLength(speech.length);
  segments.forEach((s, i) => {
    expect(Math.abs(s.start - speech[i]!.start)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(s.end - speech[i]!.end)).toBeLessThanOrEqual(0.2);
  });
  expect(r.noise.output.segments).toEqual([]);
  expect(Math.max(...r.noise.output.probabilities)).toBeLessThan(0.5);
});

test('a LibriVox clip is transcribed with word error rate ≤ 0.2', async ({ page }) => {
  test.setTimeout(180_000);
  const r = await page.evaluate(async () => {
    const wav = await fetch('/__media/librivox-0870.wav').then((x) => x.blob());
    return window.sentio!.inference().infer('speech-recognition', wav);
  });
  const reference =
    'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them';
  const wer = wordErrorRate({ reference, hypothesis: r.output.text });
  test
    .info()
    .annotations.push({ type: 'transcript', description: `${r.output.text} (WER ${wer.toFixed(3)})` });
  expect(wer).toBeLessThanOrEqual(0.2);
  expect(r.backend).toBe('transformers-wasm');
  // One probability per emitted token (the router's confidence): a clean read clip is mostly sure.
  const conf = r.output.tokenConfidences;
  expect(conf.length).toBeGreaterThanOrEqual(20);
  expect(conf.every((p) => p > 0 && p <= 1)).toBe(true);
  expect(conf.reduce((a, b) => a + b, 0) / conf.length).toBeGreaterThan(0.6);
});

test('a pose is found on the person photo, its nose inside the detected face', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const blob = await fetch('/__media/face-640x480.jpg').then((x) => x.blob());
    const pose = await window.sentio!.inference().infer('pose', blob);
    const face = await window.sentio!.inference().infer('face-detection', blob);
    return { pose, face };
  });
  expect(r.pose.backend).toBe('mediapipe-cpu');
  expect(r.pose.output.poses).toHaveLength(1);
  const landmarks = r.pose.output.poses[0]!;
  expect(landmarks).toHaveLength(33);
  const nose = { x: landmarks[0]!.x * r.pose.output.width, y: landmarks[0]!.y * r.pose.output.height };
  const box = r.face.output.faces[0]!.box;
  expect(nose.x).toBeGreaterThan(box.x);
  expect(nose.x).toBeLessThan(box.x + box.width);
  expect(nose.y).toBeGreaterThan(box.y);
  expect(nose.y).toBeLessThan(box.y + box.height);
});
