// The dashboard shell: event inspector (text-only payloads, filter, pause, virtualised list), bus stats
// with a uPlot chart checked by its pixels, settings, status messages, and a layout that fits a phone.
import { expect, test, type Page } from '@playwright/test';
import { findColour } from './fixtures/pixels';

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await expect(page.getByTestId('inspector')).toBeVisible();
  await openInspector(page);
}

/** The inspector is closed by default; a person opens it to look (and it draws only while on screen). */
async function openInspector(page: Page): Promise<void> {
  await page.getByTestId('inspector-toggle').click();
  await expect(page.getByTestId('inspector-body')).toBeVisible();
}

/**
 * Panels draw only while on screen, and a panel above can grow and push this one away: reads `read` with
 * `testId` scrolled into view, for expect.poll.
 */
function inView<T>(page: Page, testId: string, read: () => Promise<T>): () => Promise<T> {
  return async () => {
    await page.getByTestId(testId).scrollIntoViewIfNeeded();
    return read();
  };
}

async function publish(page: Page, topic: string, payloads: unknown[]): Promise<void> {
  await page.evaluate(
    async ({ topic, payloads }) => {
      const { bus } = window.sentio!;
      for (const p of payloads) bus.publish(topic, p);
      await bus.flush();
    },
    { topic, payloads },
  );
}

test('the inspector shows payloads as text, never as HTML', async ({ page }) => {
  await openApp(page);
  const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
  await publish(page, 'demo.chat.message', [{ text: evil }]);
  const row = page.getByTestId('event-row').filter({ hasText: 'demo.chat.message' });
  await expect.poll(inView(page, 'event-list', () => row.count())).toBe(1);
  await expect(row.locator('.payload')).toHaveText(JSON.stringify({ text: evil }));
  expect(await page.getByTestId('inspector').locator('img, b').count()).toBe(0);
  await row.click();
  await expect(page.getByTestId('event-detail')).toContainText('"topic": "demo.chat.message"');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('topic filter, a bad pattern explained, and pause that freezes the view', async ({ page }) => {
  await openApp(page);
  await publish(page, 'demo.a.x', [1, 2]);
  await publish(page, 'demo.b.y', [3]);
  const rows = page.getByTestId('event-row');
  await expect.poll(inView(page, 'event-list', () => rows.filter({ hasText: 'demo.' }).count())).toBe(3);

  await page.getByTestId('event-filter').fill('demo.b.*');
  await expect.poll(inView(page, 'event-list', () => rows.count())).toBe(1);
  await expect(rows).toContainText('demo.b.y');
  await page.getByTestId('event-filter').fill('demo.>.x');
  await expect(page.getByTestId('event-filter-error')).toContainText('">" may only be the last token');
  await expect.poll(inView(page, 'event-list', () => rows.count())).toBe(1); // the last good filter stays
  await page.getByTestId('event-filter').fill('demo.>');
  await expect(page.getByTestId('event-filter-error')).toHaveText('');

  await page.getByTestId('event-pause').click();
  await publish(page, 'demo.c.z', [4, 5]);
  await expect
    .poll(inView(page, 'event-list', () => page.getByTestId('event-counts').textContent()))
    .toBe('paused — 2 new since');
  await expect.poll(inView(page, 'event-list', () => rows.filter({ hasText: 'demo.c.z' }).count())).toBe(0);
  await page.getByTestId('event-pause').click();
  await expect.poll(inView(page, 'event-list', () => rows.filter({ hasText: 'demo.c.z' }).count())).toBe(2);
});

test('the event list is virtualised: 1500 events, a few dozen rows in the DOM', async ({ page }) => {
  await openApp(page);
  await publish(
    page,
    'demo.bulk.item',
    Array.from({ length: 1500 }, (_, i) => ({ i })),
  );
  await expect
    .poll(
      inView(page, 'event-list', async () =>
        /1[5-9]\d\d seen/.test((await page.getByTestId('event-counts').textContent()) ?? ''),
      ),
    )
    .toBe(true);
  const inDom = await page.getByTestId('event-row').count();
  expect(inDom).toBeGreaterThan(5);
  expect(inDom).toBeLessThan(80);
  // Scrolling to the bottom renders the oldest rows.
  await page.getByTestId('event-list').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect
    .poll(
      inView(page, 'event-list', () => page.getByTestId('event-row').filter({ hasText: '{"i":0}' }).count()),
    )
    .toBe(1);
});

test('bus stats list the subscriptions with backlog and drops, and the topic rates', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('bus-stats').scrollIntoViewIfNeeded(); // panels draw only while on screen
  // A steady flow, not one burst: the topics table shows the rates of the last whole second, so a burst is on
  // screen for about one sample, which a poll on a loaded machine can miss.
  await page.evaluate(() => {
    const { bus } = window.sentio!;
    let i = 0;
    (window as unknown as { __flow?: number }).__flow = window.setInterval(() => {
      for (let k = 0; k < 5; k++) bus.publish('demo.rate.tick', i++);
    }, 100);
  });
  const subs = page.getByTestId('subscriptions-table');
  await expect(subs).toContainText('app');
  await expect(subs.locator('thead')).toHaveText(/pattern.*client.*policy.*delivered.*backlog.*dropped/);
  await expect(subs.locator('tr', { hasText: 'dropOldest' })).toHaveCount(1); // the inspector's own
  await expect(page.getByTestId('topics-table')).toContainText('demo.rate.tick');
  await expect(page.getByTestId('bus-summary')).toContainText(/events\/s · latency p50 .* p99/);
  await page.evaluate(() => window.clearInterval((window as unknown as { __flow?: number }).__flow));
});

test('the inspector: closed by default; raw media hidden, summarised as rates, listed on request; typed arrays by type and length', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await expect(page.getByTestId('inspector-toggle')).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('inspector-body')).toBeHidden();
  await openInspector(page);
  await expect(page.getByTestId('inspector-toggle')).toHaveAttribute('aria-expanded', 'true');
  // A microphone-like stream of 512-sample chunks (40 a second) for as long as the test runs, and one
  // ordinary event among them.
  await page.evaluate(() => {
    const { bus } = window.sentio!;
    let n = 0;
    setInterval(() => {
      const samples = Float32Array.from({ length: 512 }, (_, i) => Math.sin((n + i) / 10) / 2);
      bus.publish('audio.test-mic.chunk', { n: n++, samples });
    }, 25);
    bus.publish('demo.among.media', { ok: true });
  });
  const rows = page.getByTestId('event-row');
  const rates = page.getByTestId('event-media-rates');
  const ratesText = inView(page, 'event-list', async () => (await rates.textContent()) ?? '');
  await expect.poll(ratesText).toMatch(/Raw media \(hidden\): audio\.test-mic\.chunk \d+\.\d\/s/);
  await expect.poll(async () => Number(/chunk (\d+\.\d)\/s/.exec(await ratesText())?.[1])).toBeGreaterThan(5);
  await expect
    .poll(inView(page, 'event-list', () => rows.filter({ hasText: 'demo.among.media' }).count()))
    .toBe(1);
  await expect
    .poll(inView(page, 'event-list', () => rows.filter({ hasText: 'audio.test-mic.chunk' }).count()))
    .toBe(0);

  await page.getByTestId('event-show-media').check();
  await expect.poll(ratesText).toContain('Raw media (listed)');
  const chunk = rows.filter({ hasText: 'audio.test-mic.chunk' }).first();
  await expect.poll(inView(page, 'event-list', () => chunk.count())).toBe(1);
  await expect(chunk.locator('.payload')).toHaveText(/^\{"n":\d+,"samples":Float32Array\(512\) \[-?[\d.]+, /);
  await chunk.click();
  await expect(page.getByTestId('event-detail')).toContainText('"samples": "Float32Array(512) [');
  await page.getByTestId('event-show-media').uncheck();
  await expect
    .poll(inView(page, 'event-list', () => rows.filter({ hasText: 'audio.test-mic.chunk' }).count()))
    .toBe(0);
  // From the keyboard too: a focused row shows its event on Enter.
  await rows.filter({ hasText: 'demo.among.media' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('event-detail')).toContainText('"topic": "demo.among.media"');
});

/** Pixels of `png` within `tolerance` of an RGB colour: how many, and their vertical extent. */
async function colourPixels(page: Page, png: Buffer, rgb: [number, number, number], tolerance = 40) {
  const { count, box } = await findColour(page, png, rgb, tolerance);
  return { count, spread: box ? box.height - 1 : 0 };
}

test('screenshot: the chart draws the event rate rising when events flow (checked by pixels)', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page);
  const chart = page.getByTestId('bus-chart');
  await chart.scrollIntoViewIfNeeded(); // panels draw only while on screen
  await expect(chart.locator('canvas')).toHaveCount(1);
  // Idle first: once the agents have started (their worker's start is an event), the rate line lies flat
  // at zero in the most recent samples, on the right of the chart.
  await expect(page.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
  await page.waitForTimeout(3500); // lets the once-a-second sampler take idle samples
  const canvas = chart.locator('canvas');
  /** The right-hand third of the chart: its most recent samples. */
  const recentSamples = async () => {
    await canvas.scrollIntoViewIfNeeded();
    const b = (await canvas.boundingBox())!;
    const from = b.x + b.width * 0.65;
    return page.screenshot({ clip: { x: from, y: b.y, width: b.x + b.width - from, height: b.height } });
  };
  const idle = await colourPixels(page, await recentSamples(), [252, 163, 17]);
  // Then a steady flow (200 events/s) until the chart shows it: the sampler runs once a second, later on a
  // loaded machine, so the test waits for the drawing rather than for a fixed time.
  await page.evaluate(() => {
    const { bus } = window.sentio!;
    let t = 0;
    (window as unknown as { stopFlow: () => void }).stopFlow = (
      (id) => () =>
        clearInterval(id)
    )(
      setInterval(() => {
        for (let i = 0; i < 20; i++) bus.publish('demo.flow.tick', { t, i });
        t++;
      }, 100),
    );
  });
  // A flat line is a few px thick; the recent samples must climb clearly above it.
  await expect
    .poll(async () => (await colourPixels(page, await recentSamples(), [252, 163, 17])).spread, {
      timeout: 30_000,
    })
    .toBeGreaterThan(idle.spread + 10);
  const busy = await colourPixels(page, await chart.locator('canvas').screenshot(), [252, 163, 17]);
  await page.evaluate(() => (window as unknown as { stopFlow: () => void }).stopFlow());
  expect(busy.count).toBeGreaterThan(100); // the orange rate line is drawn…
  expect(busy.spread).toBeGreaterThan(40); // …and climbs from the zero line (vertical extent, px)
  // For people reading the report: the dashboard as the test saw it.
  await test
    .info()
    .attach('dashboard', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
});

test('settings: a bad collector URL is refused with the reason; a good one is kept across reloads', async ({
  page,
}) => {
  await openApp(page);
  await page.getByTestId('otlp-url').fill('ftp://collector');
  await page.getByTestId('otlp-save').click();
  await expect(page.getByTestId('otlp-message')).toHaveText('the collector URL must be http(s), not ftp:');
  await page.getByTestId('otlp-url').fill('http://127.0.0.1:4318/v1/traces');
  await page.getByTestId('otlp-save').click();
  await expect(page.getByTestId('otlp-message')).toHaveText(
    'Saved: spans are exported there once you allow it below.',
  );
  await page.reload();
  await expect(page.getByTestId('otlp-url')).toHaveValue('http://127.0.0.1:4318/v1/traces');
});

test('going offline is said in words; coming back clears it', async ({ page, context }) => {
  await openApp(page);
  await context.setOffline(true);
  await expect(page.getByTestId('status-network')).toContainText('You are offline');
  await context.setOffline(false);
  await expect(page.getByTestId('status-network')).toHaveCount(0);
});

test('on a phone-sized screen the dashboard is one column with no sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  const boxes = await Promise.all(
    ['device', 'bus-stats', 'inspector', 'session', 'settings'].map((id) =>
      page.getByTestId(id).boundingBox(),
    ),
  );
  const xs = new Set(boxes.map((b) => Math.round(b!.x)));
  expect(xs.size).toBe(1);
  for (const b of boxes) expect(b!.width).toBeGreaterThan(300);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
});
