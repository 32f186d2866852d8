// OTLP/HTTP export from the browser: the page's pipeline is traced per stage and exported by the browser
// build of the OpenTelemetry exporter to a receiver on loopback (another origin, so CORS is exercised too),
// which checks the spans and their parent links.
import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

test('a frame traced capture → action arrives at an OTLP receiver as one linked trace', async ({ page }) => {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': 'content-type',
      'Access-Control-Allow-Methods': 'POST',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of parsed.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'Content-Type': 'application/json', ...cors }).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
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
      const inTrace = spans.filter((s) => s.traceId === traceId);
      const chain: string[] = [];
      let at = inTrace.find((s) => !s.parentSpanId);
      while (at) {
        chain.push(at.name);
        const parent: OtlpSpan = at;
        at = inTrace.find((s) => s.parentSpanId === parent.spanId);
      }
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
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});
