// The app stays responsive with everything running: the fake camera and microphone, every model, every
// panel and the open event inspector. A click is handled within 100 ms (measured through CDP: from the
// browser taking the input to the handler's start), a panel off screen does no rendering work (its render
// count stays still while others draw), and the inspector summarises the live microphone's raw chunks as a
// rate instead of listing them.
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { startSensorsAndWarmUp } from './fixtures/live-warm-up';

type Renders = Record<string, number>;
const renders = (page: Page) => page.evaluate(() => window.sentioApp!.renders());

/**
 * Handler start minus the event's timestamp (when the browser took the input), for a click through CDP.
 * Panels above can grow between finding the button and pressing it: a press that missed is tried again.
 */
async function clickLatency(page: Page, cdp: CDPSession, testId: string): Promise<number> {
  const button = page.getByTestId(testId);
  const before = await page.evaluate(() => window.__clicks!.length);
  for (let attempt = 0; attempt < 5; attempt++) {
    await button.scrollIntoViewIfNeeded();
    const at = await page.evaluate((id) => {
      const el = document.querySelector(`[data-testid="${id}"]`)!;
      const r = el.getBoundingClientRect();
      const p = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      return document.elementFromPoint(p.x, p.y) === el ? p : null;
    }, testId);
    if (!at) continue;
    const press = { ...at, button: 'left' as const, clickCount: 1 };
    await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', ...press });
    await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', ...press });
    const landed = await expect
      .poll(() => page.evaluate(() => window.__clicks!.length), { timeout: 10_000 })
      .toBeGreaterThan(before)
      .then(
        () => true,
        () => false,
      );
    if (landed) return page.evaluate(() => window.__clicks!.at(-1)!);
  }
  throw new Error(`five clicks on ${testId} never reached it`);
}

declare global {
  interface Window {
    __clicks?: number[];
  }
}

test('everything running: a click is handled within 100 ms, a panel off screen does not render, raw audio is a rate', async ({
  page,
}) => {
  test.setTimeout(480_000); // every model warms up on a shared 2-core machine (Whisper alone took ~45 s)
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await page.getByTestId('inspector-toggle').click();
  await startSensorsAndWarmUp(page);

  await test.step('a click on a button is handled within 100 ms', async () => {
    await page.evaluate(() => {
      window.__clicks = [];
      document
        .querySelector('[data-testid="event-pause"]')!
        .addEventListener('click', (e) => window.__clicks!.push(performance.now() - e.timeStamp), {
          capture: true,
        });
    });
    const cdp = await page.context().newCDPSession(page);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) latencies.push(await clickLatency(page, cdp, 'event-pause'));
    test
      .info()
      .annotations.push({ type: 'click latencies (ms)', description: latencies.map(Math.round).join(', ') });
    for (const l of latencies) expect(l).toBeGreaterThanOrEqual(0); // the same clock, or the measure is wrong
    // The first two are warm-up (first paint of the paused list); the median of the rest is the answer.
    const rest = latencies.slice(2).sort((a, b) => a - b);
    expect(rest[Math.floor(rest.length / 2)]!).toBeLessThan(100);
  });

  await test.step('a panel scrolled off screen does no rendering work', async () => {
    const stats = page.getByTestId('bus-stats');
    await stats.scrollIntoViewIfNeeded();
    const seen = (await renders(page))['bus-stats']!;
    // It draws while seen (it samples once a second).
    await expect
      .poll(async () => {
        await stats.scrollIntoViewIfNeeded();
        return (await renders(page))['bus-stats']!;
      })
      .toBeGreaterThan(seen + 1);
    // Away: the top of the page, where the Live panel draws the level and the expression.
    const offScreen = () =>
      page.evaluate(() => {
        const r = document.querySelector('[data-testid="bus-stats"]')!.getBoundingClientRect();
        return r.bottom < 0 || r.top > innerHeight;
      });
    await page.evaluate(() => scrollTo(0, 0));
    expect(await offScreen(), 'the Bus panel is out of view at the top of the page').toBe(true);
    const away: Renders = await renders(page);
    // Others keep drawing meanwhile: wait until the Live panel has drawn 100 more times (seconds of audio
    // levels, while the Bus panel would have sampled several times).
    await expect
      .poll(
        async () => {
          const now = await renders(page);
          return now['live']! - away['live']!;
        },
        { timeout: 120_000 },
      )
      .toBeGreaterThanOrEqual(100);
    expect(await offScreen()).toBe(true);
    expect((await renders(page))['bus-stats']).toBe(away['bus-stats']);
    // Back on screen, it catches up at once.
    await stats.scrollIntoViewIfNeeded();
    await expect.poll(async () => (await renders(page))['bus-stats']!).toBeGreaterThan(away['bus-stats']!);
  });

  await test.step('the inspector lists no raw audio chunks by default and shows their rate', async () => {
    const list = page.getByTestId('event-list');
    const rates = page.getByTestId('event-media-rates');
    if ((await page.getByTestId('event-pause').getAttribute('aria-pressed')) === 'true') {
      await page.getByTestId('event-pause').click();
    }
    const ratesText = async () => {
      await list.scrollIntoViewIfNeeded();
      return (await rates.textContent()) ?? '';
    };
    await expect.poll(ratesText).toMatch(/Raw media \(hidden\): audio\.[\w-]+\.chunk \d+\.\d\/s/);
    const chunks = page.getByTestId('event-row').filter({ hasText: /audio\.[\w-]+\.chunk/ });
    expect(await chunks.count()).toBe(0);
    await page.getByTestId('event-show-media').check();
    await expect
      .poll(async () => {
        await list.scrollIntoViewIfNeeded();
        return chunks.count();
      })
      .toBeGreaterThan(0);
    await expect(chunks.first().locator('.payload')).toContainText(/Float32Array\(\d+\) \[/);
  });
  expect(errors).toEqual([]);
});
