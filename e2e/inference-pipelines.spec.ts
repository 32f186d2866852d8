// The perception pipelines end to end: the fake camera (a face photo and a no-face photo, 2 s each) and
// the fake microphone's recording through the real models, events read off a real bus.
import { expect, test, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { micSpeechSpans } from './fixtures/speech-bounds';
import { VIDEO_SEGMENTS } from './fixtures/timeline';
import { serveMedia } from './fixtures/serve-media';
import { wordErrorRate } from '../src/inference/wer';
import type { SeenEvent } from './pages/inference-page';
import type { PerceptionEvents } from '../src/inference/pipelines/events';

const root = resolve(import.meta.dirname, '..');

test.describe.configure({ mode: 'serial' });

async function open(page: Page) {
  await serveMedia(page);
  await page.goto('/e2e/pages/inference.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

const payloads = <T extends keyof PerceptionEvents>(events: SeenEvent[], topic: T) =>
  events.filter((e) => e.topic === topic).map((e) => e.payload as PerceptionEvents[T]);

test('camera → faces in the face segment, none in the no-face segment, and the face is happy', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await open(page);
  const r = (await page.evaluate(() =>
    (
      window as unknown as { inferenceTest: { runCamera: (ms: number, w: 'face') => Promise<unknown> } }
    ).inferenceTest.runCamera(9000, 'face'),
  )) as { events: SeenEvent[]; stats: { processed: number; superseded: number; failed: number } };
  const faces = payloads(r.events, 'vision.face');
  expect(r.stats.failed).toBe(0);
  expect(faces.length).toBeGreaterThan(10);
  // Both segments were on air (the loop is 4 s, we watched 9 s): frames with one face and frames with none.
  const withFace = r.events.filter(
    (e) => e.topic === 'vision.face' && (e.payload as { faces: unknown[] }).faces.length === 1,
  );
  const without = faces.filter((f) => f.faces.length === 0);
  expect(withFace.length).toBeGreaterThan(3);
  expect(without.length).toBeGreaterThan(3);
  expect(faces.every((f) => f.faces.length <= 1)).toBe(true);
  // Face and no-face frames come in runs that follow the 2 s segments, not scattered noise.
  const runs: { face: boolean; from: number; to: number }[] = [];
  for (const e of r.events.filter((x) => x.topic === 'vision.face')) {
    const face = (e.payload as { faces: unknown[] }).faces.length === 1;
    const last = runs.at(-1);
    if (last && last.face === face) last.to = e.ts;
    else runs.push({ face, from: e.ts, to: e.ts });
  }
  // The runs, relative to the first event, in the message of a failure: which segment broke is the clue.
  const t0 = runs[0]?.from ?? 0;
  const shown = JSON.stringify(runs.map((x) => [x.face ? 'face' : 'none', x.from - t0, x.to - t0]));
  expect(runs.length, shown).toBeGreaterThanOrEqual(3);
  expect(runs.length, shown).toBeLessThanOrEqual(6);
  // The changes between runs follow the 2 s segments. A change happened somewhere between the last event of
  // one run and the first of the next, so each is known to within half that gap: however slow inference is
  // on a loaded machine, consecutive changes must lie one segment apart within those bounds (plus 400 ms for
  // when the page got to read the frame). Scattered misclassifications would put changes anywhere.
  const segmentMs = VIDEO_SEGMENTS[0]!.seconds * 1000;
  const changes = runs.slice(1).map((run, i) => ({
    at: (runs[i]!.to + run.from) / 2,
    within: (run.from - runs[i]!.to) / 2,
  }));
  for (let i = 1; i < changes.length; i++) {
    const spacing = changes[i]!.at - changes[i - 1]!.at;
    expect(Math.abs(spacing - segmentMs)).toBeLessThanOrEqual(
      changes[i]!.within + changes[i - 1]!.within + 400,
    );
  }
  // Every face got an expression, and the smiling astronaut is happy.
  const expressions = payloads(r.events, 'vision.face.expression');
  expect(expressions.length).toBe(withFace.length);
  expect(expressions.every((x) => x.faces[0]!.expression === 'happy')).toBe(true);
  // Camera input is local, and so is everything derived from it; each event says what ran.
  expect(r.events.every((e) => e.privacy === 'local')).toBe(true);
  expect(faces.every((f) => f.backend === 'onnxruntime-wasm')).toBe(true);
  expect(expressions.every((x) => x.backend === 'tfjs-cpu')).toBe(true);
});

test('camera → pose landmarks while the person is on air', async ({ page }) => {
  test.setTimeout(90_000);
  await open(page);
  const r = (await page.evaluate(() =>
    (
      window as unknown as { inferenceTest: { runCamera: (ms: number, w: 'pose') => Promise<unknown> } }
    ).inferenceTest.runCamera(6000, 'pose'),
  )) as { events: SeenEvent[]; stats: { failed: number } };
  const poses = payloads(r.events, 'vision.pose');
  expect(r.stats.failed).toBe(0);
  expect(poses.some((p) => p.poses.length === 1)).toBe(true);
  expect(poses.every((p) => p.backend === 'mediapipe-cpu')).toBe(true);
  expect(r.events.every((e) => e.privacy === 'local')).toBe(true);
});

test('microphone → speech start/end within 200 ms of the recorded speech → transcripts', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page);
  const speech = micSpeechSpans(root);
  const r = (await page.evaluate(() =>
    (
      window as unknown as { inferenceTest: { runSpeech: (url: string) => Promise<unknown> } }
    ).inferenceTest.runSpeech('/__generated/microphone.wav'),
  )) as {
    events: SeenEvent[];
    stats: { failed: number; transcripts: number };
    keptSamplesOfFirstSegment: number;
  };
  expect(r.stats.failed).toBe(0);
  const starts = payloads(r.events, 'audio.speech.start');
  const ends = payloads(r.events, 'audio.speech.end');
  expect(starts).toHaveLength(speech.length);
  expect(ends).toHaveLength(speech.length);
  ends.forEach((e, i) => {
    expect(Math.abs(starts[i]!.at - speech[i]!.start)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(e.end - speech[i]!.end)).toBeLessThanOrEqual(0.2);
  });
  const transcripts = payloads(r.events, 'audio.transcript');
  expect(transcripts).toHaveLength(2);
  const refs = ['go forward ten meters', 'he was not an ill disposed young man'];
  transcripts.forEach((t, i) => {
    const text = t.text.replace(/\b10\b/g, 'ten').replace(/-/g, ' ');
    test.info().annotations.push({ type: 'transcript', description: t.text });
    expect(wordErrorRate({ reference: refs[i]!, hypothesis: text })).toBeLessThanOrEqual(0.25);
    expect(t.backend).toBe('transformers-wasm');
  });
  // The segment's audio stayed here: its length covers the segment plus pre-roll.
  expect(r.keptSamplesOfFirstSegment / 16000).toBeGreaterThan(ends[0]!.end - ends[0]!.start);
  expect(r.events.every((e) => e.privacy === 'local')).toBe(true);
});

test('noise gives no speech events', async ({ page }) => {
  await open(page);
  const r = (await page.evaluate(() =>
    (
      window as unknown as { inferenceTest: { runSpeech: (url: string) => Promise<unknown> } }
    ).inferenceTest.runSpeech('/__media/noise.wav'),
  )) as { events: SeenEvent[] };
  expect(r.events.filter((e) => e.topic.startsWith('audio.'))).toEqual([]);
});

test('a lost WebGPU device is counted, reported, and the next request falls back to WASM', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await open(page);
  const r = (await page.evaluate(() =>
    (
      window as unknown as { inferenceTest: { loseGpuDevice: (url: string) => Promise<unknown> } }
    ).inferenceTest.loseGpuDevice('/__media/face-640x480.jpg'),
  )) as {
    before: { backend: string; faces: number };
    after: { backend: string; faces: number; fellBackFrom: { backend: string; reason: string }[] };
    lost: { backend: string; reason: string; count: number }[];
    stats: number;
  };
  expect(r.before).toEqual({ backend: 'onnxruntime-webgpu', faces: 1 });
  expect(r.lost).toEqual([
    { backend: 'onnxruntime-webgpu', reason: expect.stringContaining('destroyed'), count: 1 },
  ]);
  expect(r.stats).toBe(1);
  expect(r.after.backend).toBe('onnxruntime-wasm');
  expect(r.after.faces).toBe(1);
  expect(r.after.fellBackFrom).toEqual([
    { backend: 'onnxruntime-webgpu', reason: expect.stringContaining('WebGPU device was lost') },
  ]);
});
