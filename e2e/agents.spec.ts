// The agent runtime in a real Chromium: a page-side host, a real agent worker, IndexedDB, the local bus.
import { expect, test, type Page } from '@playwright/test';

const PAGE = '/e2e/pages/agents.html';

async function open(page: Page): Promise<void> {
  page.on('pageerror', (e) => console.error('[page]', e.message));
  await page.goto(PAGE);
  await expect(page.locator('#status')).toHaveText('ready');
}

function dbName(): string {
  return `agents-e2e-${Math.random().toString(36).slice(2)}`;
}

async function waitForAgent(
  page: Page,
  id: string,
  done: (a: { processed: number; deadLettered: number; mailboxDepth: number }) => boolean,
  timeout = 60_000,
) {
  await expect
    .poll(
      async () => {
        const a = await page.evaluate((id) => window.agentsTest.agent(id), id);
        return a !== null && done(a);
      },
      { timeout, intervals: [50, 100, 250] },
    )
    .toBe(true);
  return page.evaluate((id) => window.agentsTest.agent(id), id);
}

test('crash test: 1,000 persisted events, the worker killed 50+ times; state and actions exactly once', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await open(page);
  const db = dbName();
  await page.evaluate((db) => window.agentsTest.start({ dbName: db, groupCommit: 8 }), db);
  const N = 1000;
  const ns = Array.from({ length: N }, (_, i) => (i * 7919) % 1009);
  // Each event costs the handler ~15 ms, so the stream takes long enough to be killed many times mid-way.
  const ids: string[] = await page.evaluate(
    (ns) =>
      window.agentsTest.publish(
        'test.crash.n',
        ns.map((n) => ({ n, work: 15 })),
      ),
    ns,
  );
  expect(ids).toHaveLength(N);
  const killedAt: number[] = [];
  for (;;) {
    await page.waitForTimeout(30 + Math.floor(Math.random() * 250));
    const a = await page.evaluate(() => window.agentsTest.agent('counter'));
    if (a && a.processed === N) break;
    if (await page.evaluate(() => window.agentsTest.kill())) killedAt.push(a?.processed ?? -1);
  }
  console.log(`killed ${killedAt.length} times, at processed = ${killedAt.join(' ')}`);
  expect(killedAt.length).toBeGreaterThanOrEqual(50);
  const final = await waitForAgent(page, 'counter', (a) => a.processed === N && a.mailboxDepth === 0);
  const expected = await page.evaluate(([ns, ids]) => window.agentsTest.expectedCounter(ns, ids), [
    ns,
    ids,
  ] as const);
  expect(final!.state).toEqual(expected.state);
  await expect
    .poll(() => page.evaluate(() => window.agentsTest.sinkReport().total), { timeout: 30_000 })
    .toBe(expected.keys.length);
  const sink = await page.evaluate(() => window.agentsTest.sinkReport());
  expect(sink.dupes).toBe(0);
  expect(sink.keys.sort()).toEqual([...expected.keys].sort());
  const observed = await page.evaluate(() => window.agentsTest.observed());
  expect(observed.crashes).toBeGreaterThanOrEqual(50);
  const snap = await page.evaluate(() => window.agentsTest.inspect());
  expect(snap.worker.restarts).toBeGreaterThanOrEqual(50);
  await page.evaluate(() => window.agentsTest.stop());
});
