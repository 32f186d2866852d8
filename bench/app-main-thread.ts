// `npm run bench app-main-thread`: how busy the app's main thread is, in the production build with the fake
// camera and microphone, every model running and the panels open. Measured from outside the page (CDP
// Performance.getMetrics TaskDuration: main-thread task time per second of wall time) and from inside it
// (PerformanceObserver 'longtask'): idle, then live at a desktop viewport, with every panel on screen, and at a
// phone viewport. The baseline of a busy fraction is the wall time itself (1000 ms per second).
import { expect, type CDPSession, type Page } from '@playwright/test';
import { compare, percentile, type BenchResult } from './harness';
import { startSensorsAndWarmUp } from '../e2e/fixtures/live-warm-up';
import {
  describeNode,
  hotFunctions,
  invalidations,
  mainThreadWork,
  paintByNode,
  traceWhile,
  type WorkKind,
} from './main-thread-trace';

const BENCH = 'app-main-thread';
const WINDOW_MS = 15_000;
const BUSY_TARGET = { op: '<=', ratio: 0.2 } as const;
const LONG_TASK_MS = 50;

declare global {
  interface Window {
    __longTasks?: { start: number; duration: number }[];
  }
}

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

interface Window {
  scenario: string;
  busyMsPerS: number;
  scriptMsPerS: number;
  renderMsPerS: number;
  longTasks: number[];
}

/** One measurement window: main-thread time per second and the long tasks that started inside it. */
async function measure(page: Page, cdp: CDPSession, scenario: string): Promise<Window> {
  const t0 = await page.evaluate(() => performance.now());
  const a = await metrics(cdp);
  await page.waitForTimeout(WINDOW_MS); // a bench measures over wall time: the wait is the measurement
  const b = await metrics(cdp);
  const t1 = await page.evaluate(() => performance.now());
  const wall = b.Timestamp! - a.Timestamp!;
  const per = (k: string) => ((b[k]! - a[k]!) / wall) * 1000;
  const longTasks = await page.evaluate(
    ([from, to]) =>
      (window.__longTasks ?? []).filter((t) => t.start >= from! && t.start < to!).map((t) => t.duration),
    [t0, t1],
  );
  return {
    scenario,
    busyMsPerS: per('TaskDuration'),
    scriptMsPerS: per('ScriptDuration'),
    renderMsPerS: per('RecalcStyleDuration') + per('LayoutDuration'),
    longTasks,
  };
}

function rows(w: Window): BenchResult[] {
  const sorted = [...w.longTasks].sort((x, y) => x - y);
  const p99 = sorted.length ? percentile(sorted, 99) : 0;
  return [
    compare(BENCH, `main thread busy, ${w.scenario} (ms per s)`, w.busyMsPerS, 1000, 'ms/s', BUSY_TARGET),
    compare(BENCH, `script, ${w.scenario} (ms per s)`, w.scriptMsPerS, 1000, 'ms/s'),
    compare(BENCH, `style + layout, ${w.scenario} (ms per s)`, w.renderMsPerS, 1000, 'ms/s'),
    compare(BENCH, `long tasks, ${w.scenario} (per ${WINDOW_MS / 1000} s)`, w.longTasks.length, 1, 'tasks'),
    compare(BENCH, `long task p99, ${w.scenario}`, p99, LONG_TASK_MS, 'ms', { op: '<=', ratio: 1 }),
  ];
}

const TRACE_MS = 5000;

/**
 * A traced window of its own (tracing costs main-thread time, so it never overlaps a measured one): the
 * main thread's work by kind, the style and paint invalidations that cause it, and paint by element, logged;
 * the work by kind is returned for the rows.
 */
async function traced(
  page: Page,
  cdp: CDPSession,
  scenario: string,
  log: (msg: string) => void,
): Promise<WorkKind[]> {
  const trace = await traceWhile(cdp, () => page.waitForTimeout(TRACE_MS));
  const work = mainThreadWork(trace, TRACE_MS);
  log(`${scenario}, traced: main-thread self time by kind`);
  for (const w of work) log(`  ${w.msPerS.toFixed(1).padStart(6)} ms/s  ${w.name}`);
  log(`${scenario}, traced: invalidations`);
  for (const [what, n] of invalidations(trace, TRACE_MS)) log(`  ${n.toFixed(1).padStart(6)} /s  ${what}`);
  log(`${scenario}, traced: paint by element`);
  await cdp.send('DOM.enable');
  await cdp.send('DOM.getDocument', { depth: -1 });
  for (const [node, ms] of paintByNode(trace, TRACE_MS))
    log(`  ${ms.toFixed(1).padStart(6)} ms/s  ${await describeNode(cdp, node)}`);
  const js = await hotFunctions(cdp, TRACE_MS, () => page.waitForTimeout(TRACE_MS));
  log(`${scenario}, profiled: JavaScript self time by function`);
  for (const f of js) log(`  ${f.msPerS.toFixed(1).padStart(6)} ms/s  ${f.where}`);
  return work;
}

const workRows = (scenario: string, work: readonly WorkKind[]) =>
  work.map((w) =>
    compare(BENCH, `${scenario}, main-thread self time: ${w.name} (traced)`, w.msPerS, 1000, 'ms/s'),
  );

/** Opens every panel that can be closed (the event inspector is closed by default). */
async function openEveryPanel(page: Page): Promise<void> {
  const toggles = page.locator('[data-panel-toggle][aria-expanded="false"]');
  for (const t of await toggles.all()) await t.click();
}

export async function benchAppMainThread(page: Page, log: (msg: string) => void): Promise<BenchResult[]> {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        window.__longTasks!.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/, { timeout: 60_000 });
  await openEveryPanel(page);
  await page.waitForTimeout(5000); // let the start-up settle before the idle window
  const results: Window[] = [];
  log('idle');
  results.push(await measure(page, cdp, 'idle'));

  log('warming up: waiting for every model to answer');
  await startSensorsAndWarmUp(page);
  await page.waitForTimeout(5000);

  log('live, desktop');
  results.push(await measure(page, cdp, 'live, desktop 1280×900'));

  const desktopWork = await traced(page, cdp, 'live, desktop', log);

  log('live, every panel on screen');
  // Twice: panels off screen hold a placeholder size (content-visibility), and take their own once shown.
  for (let i = 0; i < 2; i++) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: 1280, height: Math.min(height, 8000) });
    await page.waitForTimeout(1000);
  }
  results.push(await measure(page, cdp, 'live, every panel on screen'));
  const everyPanelWork = await traced(page, cdp, 'live, every panel on screen', log);

  log('live, phone');
  await page.setViewportSize({ width: 390, height: 844 });
  await cdp.send('Emulation.setDeviceMetricsOverride', {
    width: 390,
    height: 844,
    deviceScaleFactor: 3,
    mobile: true,
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(2000);
  results.push(await measure(page, cdp, 'live, phone 390×844'));
  await cdp.send('Emulation.clearDeviceMetricsOverride');
  return [
    ...results.flatMap(rows),
    ...workRows('live, desktop', desktopWork),
    ...workRows('live, every panel on screen', everyPanelWork),
  ];
}
