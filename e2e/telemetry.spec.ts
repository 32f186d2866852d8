// OTLP/HTTP export from the browser: the page's pipeline is traced per stage and exported by the browser
// build of the OpenTelemetry exporter to a receiver on loopback (another origin, so CORS is exercised too),
// which checks the spans and their parent links.
import { expect, test } from '@playwright/test';
import { chainOf, startOtlpReceiver } from './fixtures/otlp-receiver';

test('a frame traced capture → action arrives at an OTLP receiver as one linked trace', async ({ page }) => {
  const receiver = await startOtlpReceiver();
  const { url, spans } = receiver;
  try {
    await page.goto('/e2e/pages/telemetry.html');
    await expect(page.locator('#status')).toHaveText('ready');
    const result = await page.evaluate((url) => window.telemetryTest!.run(url, 2), url);
    expect(result.stats).toMatchObject({ exportedSpans: 14, failedExports: 0 });
    expect(result.metrics['end-to-end'].count).toBe(2);
    expect(spans).toHaveLength(14);
    const traceIds = new Set(spans.map((s) => s.traceId));
    expect(traceIds.size).toBe(2);
    for (const traceId of traceIds) {
      const chain = chainOf(spans, traceId);
      expect(chain).toEqual([
        'capture camera.front',
        'bus camera.front.frame',
        'inference face-detect',
        'bus camera.front.face',
        'agent coach',
        'bus agent.coach.action',
        'action show',
      ]);
    }
  } finally {
    await receiver.close();
  }
});
