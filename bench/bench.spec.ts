// One test per bench page: open it in the production build, wait for its results, append them to
// bench/results/latest.jsonl.
import { test } from '@playwright/test';
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchResult, BenchState } from './harness';
import { benchAppMainThread } from './app-main-thread';
import { benchPerceptionMainThread } from './perception-main-thread';
import { runBridgeBench } from './bridge-bench';
import { benchSoak, soakMinutes } from './soak';

const dir = import.meta.dirname;
/** Pages driven by a bench below (multi-device, or measured from outside through CDP), not standalone. */
const DRIVEN_PAGES = ['bridge-device.html', 'perception-host.html', 'soak-host.html'];
const out = resolve(dir, 'results', 'latest.jsonl');
const pages = readdirSync(dir)
  .filter((f) => f.endsWith('.html') && !DRIVEN_PAGES.includes(f))
  .map((f) => f.replace(/\.html$/, ''));
const runId = process.env.SENTIO_BENCH_RUN ?? new Date().toISOString();

function record(results: readonly BenchResult[], browserVersion: string): void {
  mkdirSync(resolve(dir, 'results'), { recursive: true });
  for (const r of results) {
    appendFileSync(out, JSON.stringify({ ...r, run: runId, browser: browserVersion }) + '\n');
  }
}

// The whole app, measured from outside the page through CDP (see app-main-thread.ts).
test('app-main-thread', async ({ page, browser }) => {
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[app-main-thread] ${m.text()}`);
  });
  record(await benchAppMainThread(page, (msg) => console.log(`[app-main-thread] ${msg}`)), browser.version());
});

// Perception's main-thread cost per frame, from outside the page (see perception-main-thread.ts).
test('perception-main-thread', async ({ page, browser }) => {
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[perception-main-thread] ${m.text()}`);
  });
  const log = (msg: string) => console.log(`[perception-main-thread] ${msg}`);
  record(await benchPerceptionMainThread(page, log), browser.version());
});

// Everything at once for minutes in its own browser (a 30 fps camera), sampled from outside (see soak.ts).
test('soak', async ({ baseURL, browser }) => {
  test.setTimeout((soakMinutes() + 8) * 60_000);
  record(await benchSoak(baseURL!, (msg) => console.log(`[soak] ${msg}`)), browser.version());
});

for (const name of pages) {
  test(name, async ({ page, browser }) => {
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`[${name}] ${m.text()}`);
    });
    await page.goto(`/bench/${name}.html`);
    const handle = await page.waitForFunction(
      () => {
        const s = window.__sentioBench;
        return s && s.status !== 'running' ? s : null;
      },
      null,
      { timeout: 580_000, polling: 250 },
    );
    const state = (await handle.jsonValue()) as BenchState;
    if (state.status === 'error') throw new Error(`${name} failed: ${state.error}`);
    record(state.results, browser.version());
  });
}

// Two devices and a nats-server: driven from here, not from one page.
test('bridge', async ({ browser }) => {
  record(await runBridgeBench(browser), browser.version());
});
