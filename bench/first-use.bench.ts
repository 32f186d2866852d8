// What a user waits for, through the front door with its defaults (`sentio.perception.start()`: camera and
// microphone, face, expression, pose, voice activity and Whisper in one inference worker):
// - from `perception.start` to the first `vision.face` event, cold (no model in the Cache API: a first visit)
//   and with the models cached (a later visit). The baseline is what no runtime can avoid: a raw
//   getUserMedia → MediaStreamTrackProcessor read of the first camera frame, in the same round.
// - from a speech segment's `audio.speech.end` to its `audio.transcript`, cold and cached (reported; the
//   segments are the fake microphone's real speech, 1.1–2.7 s long).
// Both again with `workers: 'split'` (Whisper and the slow vision models in workers of their own, as the app
// runs them), models cached.
// The WASM runtimes stay in the HTTP cache throughout, as they do for a user, so cold differs by the models.
import { createSentio, type SentioEvent } from '../src/index';
import { MODEL_CACHE } from '../src/inference/model-store';
import { compare, median, runBench } from './harness';
import { openRawCamera } from './raw-camera';

const ROUNDS = 3;
const BENCH = 'first-use';

/** getUserMedia → the first frame read through a track processor, ms. */
async function rawFirstFrame(): Promise<number> {
  const t0 = performance.now();
  const camera = await openRawCamera();
  const { value } = await camera.reader.read();
  const ms = performance.now() - t0;
  value?.close();
  camera.close();
  return ms;
}

/** The first `vision.face`, and the first transcript's wait after its segment ended, of one start. */
async function firstUse(
  round: number,
  label: string,
  workers: 'one' | 'split' = 'one',
): Promise<{ faceMs: number; transcriptMs: number }> {
  const sentio = await createSentio({
    name: `first-use-${label}-${round}`,
    database: `first-use-${crypto.randomUUID()}`,
  });
  try {
    const ended = new Map<number, number>();
    let face: number | null = null;
    let transcript: number | null = null;
    let done: () => void = () => {};
    const both = new Promise<void>((resolve) => (done = resolve));
    const check = () => {
      if (face !== null && transcript !== null) done();
    };
    sentio.bus.subscribe('audio.speech.end', (e: SentioEvent) => {
      ended.set((e.payload as { segment: number }).segment, performance.now());
    });
    sentio.bus.subscribe('audio.transcript', (e: SentioEvent) => {
      const at = ended.get((e.payload as { segment: number }).segment);
      if (transcript === null && at !== undefined) transcript = performance.now() - at;
      check();
    });
    const t0 = performance.now();
    sentio.bus.subscribe('vision.face', () => {
      face ??= performance.now() - t0;
      check();
    });
    const handle = sentio.perception.start(workers === 'one' ? {} : { workers });
    const limit = new Promise<never>((_, fail) =>
      setTimeout(
        () => fail(new Error(`${label} round ${round}: no face and transcript within 150 s`)),
        150_000,
      ),
    );
    await Promise.race([both, limit]);
    handle.stop();
    return { faceMs: face!, transcriptMs: transcript! };
  } finally {
    await sentio.close();
  }
}

runBench(async (progress) => {
  const raw: number[] = [];
  const cold: { faceMs: number; transcriptMs: number }[] = [];
  const cached: { faceMs: number; transcriptMs: number }[] = [];
  const split: { faceMs: number; transcriptMs: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    progress(`round ${r + 1}/${ROUNDS}: raw first frame`);
    raw.push(await rawFirstFrame());
    progress(`round ${r + 1}/${ROUNDS}: cold`);
    await caches.delete(MODEL_CACHE);
    cold.push(await firstUse(r, 'cold'));
    progress(`round ${r + 1}/${ROUNDS}: cached`);
    cached.push(await firstUse(r, 'cached'));
    progress(`round ${r + 1}/${ROUNDS}: cached, split workers`);
    split.push(await firstUse(r, 'split', 'split'));
  }
  const rawMs = median(raw);
  return [
    compare(
      BENCH,
      'perception.start → first vision.face, cold (vs raw first camera frame)',
      median(cold.map((c) => c.faceMs)),
      rawMs,
      'ms',
    ),
    compare(
      BENCH,
      'perception.start → first vision.face, models cached (vs raw first camera frame)',
      median(cached.map((c) => c.faceMs)),
      rawMs,
      'ms',
    ),
    compare(
      BENCH,
      'audio.speech.end → its audio.transcript, cold',
      median(cold.map((c) => c.transcriptMs)),
      1,
      'ms',
    ),
    compare(
      BENCH,
      'audio.speech.end → its audio.transcript, models cached',
      median(cached.map((c) => c.transcriptMs)),
      1,
      'ms',
    ),
    compare(
      BENCH,
      'perception.start → first vision.face, models cached, split workers (vs raw first camera frame)',
      median(split.map((c) => c.faceMs)),
      rawMs,
      'ms',
    ),
    compare(
      BENCH,
      'audio.speech.end → its audio.transcript, models cached, split workers',
      median(split.map((c) => c.transcriptMs)),
      1,
      'ms',
    ),
  ];
});
