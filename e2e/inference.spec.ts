// sentio.infer with the real models and real media, in Chromium (default args: isolated, software WebGPU).
import { expect, test } from '@playwright/test';
import { serveMedia } from './fixtures/serve-media';

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ page }) => {
  await serveMedia(page);
  await page.goto('/');
  await page.waitForFunction(() => 'sentio' in window);
});

test('face detection finds the face in the face photo and none in the no-face photo', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const blob = (f: string) => fetch(`/__media/${f}`).then((x) => x.blob());
    const face = await window.sentio.infer('face-detection', await blob('face-640x480.jpg'));
    const none = await window.sentio.infer('face-detection', await blob('noface-640x480.jpg'));
    return { face, none };
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
  // A software WebGPU adapter ranks below WASM, so WASM ran and nothing was tried before it.
  expect(r.face.backend).toBe('onnxruntime-wasm');
  expect(r.face.threads).toBeGreaterThan(1);
  expect(r.face.timings.modelMs).toBeGreaterThan(0);
});
