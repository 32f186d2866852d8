// `npm run bench soak`: a long run of everything at once, to find what grows. A 30 fps fake camera (the test
// loop, written at 30 fps) with face, expression and pose, the fake microphone with voice activity and Whisper,
// a deliberately slow `latest` subscriber and a durable agent, in a real browser (soak-host.ts). Every 10 s it
// samples the JS heap of the page and its workers, the origin's storage, every subscription's backlog and
// drops, and the agent's mailbox. It passes when, after warm-up, heap and storage are flat (least-squares slope
// within the bounds below) and no backlog grows.
//
// Duration: SENTIO_SOAK_MINUTES after warm-up (default 10). Warm-up lasts until every model has answered and
// then WARM_UP_AFTER_MS more, the time the runtime's bounded buffers (the hub's event ring, the inspector's,
// the router's logs) take to fill at these rates; what grows after that is not filling a buffer.
import { chromium, type Browser } from '@playwright/test';
import { resolve } from 'node:path';
import { AUTO_GRANT_MEDIA_ARG, BASE_ARGS, chromiumPath, WEBGPU_ARG } from '../e2e/fixtures/chromium';
import { CAMERA_30FPS_FILE, MIC_FILE } from '../e2e/fixtures/timeline';
import { writeCamera } from '../e2e/global-setup';
import { compare, type BenchResult } from './harness';
import type { SoakSample } from './soak-host';
import { KEEP_DONE } from '../src/agents/durable-store';

const BENCH = 'soak';
const SAMPLE_MS = 10_000;
const WARM_UP_AFTER_MS = 60_000;
/**
 * Heap: 1 MB a minute is 60 MB an hour, what a phone tab cannot afford to lose for long; a leak of one object
 * per camera frame (~100 B × 30/s ≈ 0.2 MB/min) is below it and needs a longer run to see, but anything per
 * frame that holds a buffer or a closure over one is far above it.
 */
const HEAP_SLOPE_MB_PER_MIN = 1;
/**
 * Storage: the durable agent rewrites one state row and the bus keeps nothing of realtime data, but the agent
 * also keeps the ids of its newest KEEP_DONE settled inbox rows to recognise late redeliveries: at 9 events a
 * second that window takes ~18 minutes to fill. An id row is ~100 B with its indexes, ~0.05 MB/min until then
 * (the inbox row below says how far it is), well under this bound; whole events there were ~1.2 KB a row,
 * 0.64 MB/min.
 */
const STORAGE_SLOPE_MB_PER_MIN = 0.25;
/** The slow subscriber keeps the newest event per topic: vision.face, .face.expression, .pose, .gesture. */
const SLOW_BACKLOG_BOUND = 4;
/** A durable agent that keeps up: its mailbox may hold what arrives in a few seconds, and must not grow. */
const MAILBOX_SLOPE_PER_MIN = 10;

const MB = 1024 * 1024;
const root = resolve(import.meta.dirname, '..');

/** Least-squares slope of y over x. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function launch(): Promise<Browser> {
  // Written every run, as global setup writes the 15 fps one: a file kept from before would outlive a change
  // to the test loop (VIDEO_SEGMENTS).
  await writeCamera(30, CAMERA_30FPS_FILE);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      ...BASE_ARGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${resolve(root, CAMERA_30FPS_FILE)}`,
      `--use-file-for-fake-audio-capture=${resolve(root, MIC_FILE)}`,
      AUTO_GRANT_MEDIA_ARG,
      WEBGPU_ARG,
      // measureUserAgentSpecificMemory answers at the next GC by default, up to 20 s later: measure at once.
      '--enable-blink-features=ForceEagerMeasureMemory',
      // performance.memory is otherwise rounded (to hide it from fingerprinting) and only updated every 20 min.
      '--enable-precise-memory-info',
    ],
  });
}

export function soakMinutes(): number {
  const m = Number(process.env.SENTIO_SOAK_MINUTES ?? 10);
  if (!(m > 0))
    throw new Error(
      `SENTIO_SOAK_MINUTES must be a number of minutes > 0 (got ${process.env.SENTIO_SOAK_MINUTES})`,
    );
  return m;
}

export async function benchSoak(baseURL: string, log: (msg: string) => void): Promise<BenchResult[]> {
  const minutes = soakMinutes();
  const browser = await launch();
  try {
    const page = await browser.newPage({ baseURL });
    page.on('console', (m) => {
      if (m.type() === 'error') log(`console: ${m.text()}`);
    });
    await page.goto('/bench/soak-host.html');
    await page.waitForFunction(() => document.getElementById('progress')?.textContent === 'ready');
    await page.evaluate(() => window.soakHost!.start());
    const sample = () => page.evaluate(() => window.soakHost!.sample());

    log('warming up: waiting for faces, poses and a transcript');
    const t0 = Date.now();
    for (;;) {
      const s = await sample();
      if (s.events.faces > 0 && s.events.poses > 0 && s.events.transcripts > 0) break;
      if (Date.now() - t0 > 300_000) throw new Error(`not warm after 5 minutes: ${JSON.stringify(s.events)}`);
      await page.waitForTimeout(2000); // polling a long-running page from outside
    }
    log(
      `every model answered after ${Math.round((Date.now() - t0) / 1000)} s; ${WARM_UP_AFTER_MS / 1000} s more`,
    );
    await page.waitForTimeout(WARM_UP_AFTER_MS); // the warm-up is wall time by definition

    const samples: SoakSample[] = [];
    const end = Date.now() + minutes * 60_000;
    while (Date.now() <= end) {
      const s = await sample();
      samples.push(s);
      log(
        `${samples.length}: page heap ${(s.pageHeapBytes / MB).toFixed(1)} MB, all ${((s.allMemory.at(-1)?.bytes ?? NaN) / MB).toFixed(1)} MB, storage ${(s.storageBytes / MB).toFixed(2)} MB, ` +
          `mailbox ${s.agent?.mailboxDepth ?? '-'}, rows ${JSON.stringify(s.rows)}, backlogs ${JSON.stringify(s.backlogs)}`,
      );
      await page.waitForTimeout(SAMPLE_MS); // a sample every 10 s of wall time is what the bench is
    }
    await page.evaluate(() => window.soakHost!.stop());
    return rows(samples, minutes);
  } finally {
    await browser.close();
  }
}

function rows(samples: readonly SoakSample[], minutes: number): BenchResult[] {
  if (samples.length < 3) throw new Error(`only ${samples.length} samples: run for longer`);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const mins = samples.map((s) => (s.at - first.at) / 60_000);
  const span = mins.at(-1)!;
  const perS = (a: number, b: number) => (b - a) / (span * 60);
  const slowBacklog = Math.max(...samples.map((s) => s.backlogs['vision.>'] ?? 0));
  const worstBacklogSlope = Math.max(
    ...Object.keys(last.backlogs).map((p) =>
      slope(
        mins,
        samples.map((s) => s.backlogs[p] ?? 0),
      ),
    ),
  );
  const where = `${minutes} min after warm-up, ${samples.length} samples`;
  // Whole-runtime measurements finished after warm-up (they run on their own, tens of seconds each).
  const all = last.allMemory.filter((m) => m.at >= first.at);
  /** A slope over the samples that must stay within `bound`. */
  const flat = (metric: string, of: (s: SoakSample) => number, bound: number, unit: string) =>
    compare(BENCH, metric, slope(mins, samples.map(of)), bound, unit, { op: '<=', ratio: 1 });
  const out: BenchResult[] = [
    flat(`page JS heap slope, ${where}`, (s) => s.pageHeapBytes / MB, HEAP_SLOPE_MB_PER_MIN, 'MB/min'),
    flat(`storage slope, ${where}`, (s) => s.storageBytes / MB, STORAGE_SLOPE_MB_PER_MIN, 'MB/min'),
    compare(BENCH, 'slow latest subscriber: largest backlog', slowBacklog, SLOW_BACKLOG_BOUND, 'events', {
      op: '<=',
      ratio: 1,
    }),
    compare(BENCH, 'steepest backlog slope over every subscription', worstBacklogSlope, 1, 'events/min', {
      op: '<=',
      ratio: 1,
    }),
    flat(
      'durable agent mailbox slope',
      (s) => s.agent?.mailboxDepth ?? NaN,
      MAILBOX_SLOPE_PER_MIN,
      'events/min',
    ),
    compare(
      BENCH,
      'page JS heap at the end vs after warm-up',
      last.pageHeapBytes / MB,
      first.pageHeapBytes / MB,
      'MB',
    ),
    compare(
      BENCH,
      'durable agent inbox rows at the end (bound: settled rows kept)',
      last.rows['inbox'] ?? NaN,
      KEEP_DONE,
      'rows',
      { op: '<=', ratio: 1.01 },
    ),
    compare(BENCH, 'camera frames per s', perS(first.camera.frames, last.camera.frames), 30, 'fps'),
    compare(BENCH, 'vision.face per s', perS(first.events.faces, last.events.faces), 1, '/s'),
    compare(BENCH, 'vision.pose per s', perS(first.events.poses, last.events.poses), 1, '/s'),
    compare(BENCH, 'transcripts', last.events.transcripts - first.events.transcripts, 1, ''),
    compare(
      BENCH,
      'durable agent events processed per s',
      perS(first.agent?.processed ?? 0, last.agent?.processed ?? 0),
      1,
      '/s',
    ),
    compare(BENCH, 'slow subscriber handled per s', perS(first.slow.handled, last.slow.handled), 1, '/s'),
    compare(BENCH, 'inference errors', last.events.errors - first.events.errors, 1, ''),
  ];
  if (all.length >= 3)
    out.unshift(
      compare(
        BENCH,
        `page + workers memory slope (measureUserAgentSpecificMemory), ${all.length} measurements`,
        slope(
          all.map((m) => (m.at - first.at) / 60_000),
          all.map((m) => m.bytes / MB),
        ),
        HEAP_SLOPE_MB_PER_MIN,
        'MB/min',
        { op: '<=', ratio: 1 },
      ),
    );
  else
    console.log(`[soak] only ${all.length} whole-runtime memory measurements after warm-up: run for longer`);
  for (const [reason, n] of Object.entries(last.drops))
    out.push(compare(BENCH, `dropped (${reason}) per s`, perS(first.drops[reason] ?? 0, n), 1, '/s'));
  return out;
}
