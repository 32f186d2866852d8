// Record a session in the app, replay it into a fresh runtime at full speed and at 1×: same events, same
// order, same payloads; and `npm run replay -- <file>` headless, with its digest stable across speeds.
import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { SentioEvent } from '../src/events/event';
import type { ReplayReport } from '../src/app/replay/session-replay';

const root = resolve(import.meta.dirname, '..');
const REPLAY_PORT = Number(process.env.SENTIO_E2E_PORT ?? 4173) + 6;
const TOPICS = ['demo.sensor.temp', 'demo.agent.note'];
/** One subscription for both topics: the bus orders deliveries within a subscription, not across them. */
const PATTERN = 'demo.>';

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  // The app's own agents announce their worker's start on the bus: let that happen before recording, so the
  // session holds just the events this test publishes.
  await expect(page.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
}

/** Records 12 events published 15 ms apart on two topics; returns the JSONL. */
async function recordSession(page: Page): Promise<string> {
  return page.evaluate(async (topics) => {
    const { recorder } = window.sentioApp!;
    const { bus } = window.sentio!;
    recorder.start();
    for (let i = 0; i < 12; i++) {
      bus.publish(topics[i % 2]!, { i, reading: 20 + i / 10 }, { qos: 'batched', privacy: 'private' });
      await new Promise((r) => setTimeout(r, 15));
    }
    return recorder.stop();
  }, TOPICS);
}

type Delivered = { id: string; topic: string; payload: unknown; at: number };

async function replayInto(
  page: Page,
  jsonl: string,
  speed: number | 'max',
): Promise<{ report: ReplayReport; got: Delivered[] }> {
  return page.evaluate(
    async ({ jsonl, speed, pattern }) => {
      const { replay } = window.sentioApp!;
      const { bus } = window.sentio!;
      const got: Delivered[] = [];
      const sub = bus.subscribe(
        pattern,
        (e) => void got.push({ id: e.id, topic: e.topic, payload: e.payload, at: performance.now() }),
        { qos: 'background' },
      );
      await sub.ready;
      const report = await replay(jsonl, { speed });
      while (got.length < report.replayed) await new Promise((r) => setTimeout(r, 10));
      return { report, got };
    },
    { jsonl, speed, pattern: PATTERN },
  );
}

test('a recorded session replays into a fresh runtime with the same events in the same order, at max and 1×', async ({
  browser,
}) => {
  const recording = await browser.newContext();
  const page = await recording.newPage();
  await openApp(page);
  const jsonl = await recordSession(page);
  await recording.close();
  const recorded = jsonl
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SentioEvent);
  expect(recorded).toHaveLength(12);
  expect(recorded.map((e) => (e.payload as { i: number }).i)).toEqual([...Array(12).keys()]);
  const span = recorded.at(-1)!.ts - recorded[0]!.ts;

  const runs: Delivered[][] = [];
  for (const speed of ['max', 1] as const) {
    const ctx = await browser.newContext(); // a fresh profile: empty log, no hub from the recording
    const p = await ctx.newPage();
    await openApp(p);
    const { report, got } = await replayInto(p, jsonl, speed);
    expect(report).toMatchObject({ events: 12, imported: 12, replayed: 12, errors: [], speed });
    runs.push(got);
    if (speed === 1) {
      // 1× keeps the recorded gaps (a functional check of pacing, with slack for a loaded machine).
      expect(got.at(-1)!.at - got[0]!.at).toBeGreaterThanOrEqual(span * 0.8);
    }
    await ctx.close();
  }
  const strip = (d: Delivered[]) => d.map(({ id, topic, payload }) => ({ id, topic, payload }));
  expect(strip(runs[0]!)).toEqual(recorded.map(({ id, topic, payload }) => ({ id, topic, payload })));
  expect(strip(runs[1]!)).toEqual(strip(runs[0]!));
});

test('a session file with bad lines: they are named and skipped, the good events replay', async ({
  page,
}) => {
  await openApp(page);
  const jsonl = await recordSession(page);
  const lines = jsonl.trim().split('\n');
  lines.splice(3, 0, '{"id": "broken"');
  lines.splice(6, 0, JSON.stringify({ ...JSON.parse(lines[5]!), privacy: 'secret' }));
  const ctxPage = await page.context().browser()!.newPage();
  await openApp(ctxPage);
  const { report, got } = await replayInto(ctxPage, lines.join('\n'), 'max');
  expect(report.errors).toHaveLength(2);
  expect(report.errors[0]).toMatch(/line 4: not valid JSON/);
  expect(report.errors[1]).toMatch(/line 7: .*privacy/);
  expect(report.replayed).toBe(12);
  expect(got).toHaveLength(12);
  const empty = await ctxPage.evaluate(() =>
    window.sentioApp!.replay('nothing here\n').then(
      () => 'replayed',
      (e: Error) => `${e.name}: ${e.message}`,
    ),
  );
  expect(empty).toMatch(/^EmptySessionError: the session file has no valid event/);
  await ctxPage.close();
});

test('npm run replay -- <file> replays headless; the digest is the same at full speed and 2×', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const jsonl = await recordSession(page);
  const dir = await mkdtemp(join(tmpdir(), 'sentio-replay-'));
  const file = join(dir, 'session.jsonl');
  await writeFile(file, jsonl);
  const replay = (...extra: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['scripts/replay.mjs', file, '--dist', 'dist-e2e', '--port', String(REPLAY_PORT), ...extra],
      { cwd: root },
    );
  try {
    const fast = await replay('--speed', 'max');
    expect(fast.stdout).toMatch(
      /replayed 12 of 12 events \(2 topics, 0 bad lines\) at speed max .* delivered 12; digest [0-9a-f]{64}/,
    );
    const paced = await replay('--speed', '2');
    const digest = (s: string) => /digest ([0-9a-f]{64})/.exec(s)?.[1];
    expect(digest(paced.stdout)).toBe(digest(fast.stdout));

    const err = await promisify(execFile)(process.execPath, ['scripts/replay.mjs', join(dir, 'nope.jsonl')], {
      cwd: root,
    }).then(
      () => 'exit 0',
      (e: { code: number; stderr: string }) => `exit ${e.code}: ${e.stderr}`,
    );
    expect(err).toMatch(/^exit 1: [\s\S]*cannot read .*nope\.jsonl/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
