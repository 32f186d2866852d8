// `npm run bench perception-main-thread`: what perception costs the page's main thread, per camera frame, in the
// production build with the fake camera and microphone. Measured from outside the page (CDP
// Performance.getMetrics TaskDuration, as app-main-thread.ts) on a page with nothing but a Sentio on it
// (perception-host.ts): idle first, then a raw camera loop (getUserMedia → MediaStreamTrackProcessor, each frame
// read and closed: what any page pays to have frames at all), then face + pose + voice activity on one
// inference worker and on split workers. Per frame = (busy ms/s − idle ms/s) ÷ frames/s. Also the latency
// from a frame's capture to its `vision.face` event on the page's bus, and the capture rate perception leaves.
import { expect, type CDPSession, type Page } from '@playwright/test';
import { compare, percentile, type BenchResult } from './harness';
import type { PerceptionStartOptions } from '../src/index';

const BENCH = 'perception-main-thread';
const WINDOW_MS = 15_000;
const CAMERA_FPS = 15;

async function busyMsPerS(cdp: CDPSession, page: Page, count: () => Promise<number>) {
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    return { task: m.TaskDuration!, at: m.Timestamp!, n: await count() };
  };
  const a = await read();
  await page.waitForTimeout(WINDOW_MS); // a bench measures over wall time: the wait is the measurement
  const b = await read();
  const wall = b.at - a.at;
  return { busy: ((b.task - a.task) / wall) * 1000, perS: (b.n - a.n) / wall };
}

export async function benchPerceptionMainThread(
  page: Page,
  log: (msg: string) => void,
): Promise<BenchResult[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.goto('/bench/perception-host.html');
  await expect(page.locator('#progress')).toHaveText('ready', { timeout: 60_000 });
  await page.waitForTimeout(3000);
  const none = async () => 0;

  log('idle');
  const idle = await busyMsPerS(cdp, page, none);

  log('camera only: the raw loop');
  await page.evaluate(() => window.perceptionHost!.startRaw());
  await page.waitForTimeout(3000);
  const raw = await busyMsPerS(cdp, page, () => page.evaluate(() => window.perceptionHost!.rawFrames));
  await page.evaluate(() => window.perceptionHost!.stopRaw());
  const perFrame = (w: { busy: number; perS: number }) => Math.max(0, w.busy - idle.busy) / w.perS;
  const rawMs = perFrame(raw);
  const results: BenchResult[] = [
    compare(BENCH, 'main thread busy, idle (ms per s)', idle.busy, 1000, 'ms/s'),
    compare(BENCH, 'camera only, raw loop: frames per s', raw.perS, CAMERA_FPS, 'fps'),
    compare(BENCH, 'main thread per frame, camera only (raw loop)', rawMs, 1, 'ms'),
  ];

  for (const workers of ['one', 'split'] as const) {
    const options: PerceptionStartOptions = { workers, tasks: { transcribe: false } };
    log(`perception on ${workers} worker(s): warming up`);
    await page.evaluate((o) => window.perceptionHost!.start(o), options);
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const s = window.perceptionHost!.handle!.stats();
            return (
              (s.face?.processed ?? 0) > 3 && (s.pose?.processed ?? 0) > 0 && (s.speechBatches?.sent ?? 0) > 3
            );
          }),
        { timeout: 300_000, intervals: [1000] },
      )
      .toBe(true);
    await page.waitForTimeout(3000);
    await page.evaluate(() => (window.perceptionHost!.faceLatencies = []));
    log(`perception on ${workers} worker(s): measuring`);
    const live = await busyMsPerS(cdp, page, () =>
      page.evaluate(() => window.perceptionHost!.handle!.stats().camera?.seq ?? 0),
    );
    const latencies = (await page.evaluate(() => window.perceptionHost!.faceLatencies)).sort((a, b) => a - b);
    await page.evaluate(() => window.perceptionHost!.stop());
    await page.waitForTimeout(2000);
    const ms = perFrame(live);
    const label = `face + pose + VAD, ${workers === 'one' ? 'one inference worker' : 'split workers'}`;
    results.push(
      compare(BENCH, `main thread per frame, ${label} (vs camera only)`, ms, rawMs, 'ms', {
        op: '<=',
        ratio: 1.5,
      }),
      compare(BENCH, `main thread per frame, ${label} (vs 0.5 ms)`, ms, 0.5, 'ms', { op: '<=', ratio: 1 }),
      compare(BENCH, `main thread busy, ${label} (ms per s)`, live.busy, 1000, 'ms/s'),
      compare(BENCH, `camera frames per s, ${label}`, live.perS, CAMERA_FPS, 'fps'),
      compare(BENCH, `capture → vision.face p50, ${label}`, percentile(latencies, 50), 1, 'ms'),
      compare(BENCH, `capture → vision.face p99, ${label}`, percentile(latencies, 99), 1, 'ms'),
      compare(BENCH, `vision.face events per s, ${label}`, latencies.length / (WINDOW_MS / 1000), 1, '/s'),
    );
  }
  return results;
}
