// The bridge benchmark: two browser contexts (two devices) and a real nats-server. Sentio's path against a
// raw NATS WebSocket client in the same pages, same server, same run:
// - device→device round trip p50/p99 vs a raw wsconnect echo (target ≤ 1.5×),
// - throughput of exported small events vs raw publish (target ≥ 0.5×), with the outbox on,
// - catch-up after an outage with N durable events queued (reported against the raw transfer of N).
import type { Browser, Page } from '@playwright/test';
import { startNatsServer } from '../scripts/lib/nats.mjs';
import { compare, percentile, type BenchResult } from './harness';

type Dev = {
  benchDevice: {
    ready: Promise<boolean>;
    setup(o: { ws: string; space: string; device: string; role: 'a' | 'b' }): Promise<void>;
    counts(): Record<string, { n: number; at: number; first: number }>;
    bridgeRoundTrips(n: number): Promise<number[]>;
    rawRoundTrips(n: number): Promise<number[]>;
    bridgeBurst(n: number, topic?: string): number;
    rawBurst(n: number): number;
    stats(): Promise<{ outboxDepth: number; exported: number; imported: number }>;
  };
};

async function open(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/bench/bridge-device.html');
  await page.waitForFunction(() => (window as unknown as Dev).benchDevice?.ready);
  return page;
}

async function arrivals(page: Page, key: string, n: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = (await page.evaluate(() => (window as unknown as Dev).benchDevice.counts()))[key];
    if (c && c.n >= n) return c.at;
    if (Date.now() > deadline) throw new Error(`${key}: ${c?.n ?? 0} of ${n} arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function runBridgeBench(browser: Browser): Promise<BenchResult[]> {
  const server = await startNatsServer();
  const results: BenchResult[] = [];
  try {
    const a = await open(browser);
    const b = await open(browser);
    const space = `bench${Date.now().toString(36)}`;
    await b.evaluate((o) => (window as unknown as Dev).benchDevice.setup(o), {
      ws: server.wsUrl,
      space,
      device: 'b',
      role: 'b' as const,
    });
    await a.evaluate((o) => (window as unknown as Dev).benchDevice.setup(o), {
      ws: server.wsUrl,
      space,
      device: 'a',
      role: 'a' as const,
    });

    const N = 300;
    await a.evaluate(() => (window as unknown as Dev).benchDevice.bridgeRoundTrips(30)); // warm-up
    await a.evaluate(() => (window as unknown as Dev).benchDevice.rawRoundTrips(30));
    const bridged = (
      await a.evaluate((n) => (window as unknown as Dev).benchDevice.bridgeRoundTrips(n), N)
    ).sort((x, y) => x - y);
    const rawRt = (await a.evaluate((n) => (window as unknown as Dev).benchDevice.rawRoundTrips(n), N)).sort(
      (x, y) => x - y,
    );
    for (const p of [50, 99])
      results.push(
        compare('bridge', `round trip p${p}`, percentile(bridged, p), percentile(rawRt, p), 'ms', {
          op: '<=',
          ratio: 1.5,
        }),
      );

    const M = 5000;
    const rawT0 = await a.evaluate((n) => (window as unknown as Dev).benchDevice.rawBurst(n), M);
    const rawT1 = await arrivals(b, 'raw.tp', M);
    const exported0 = (await a.evaluate(() => (window as unknown as Dev).benchDevice.stats())).exported;
    const imported0 = (await b.evaluate(() => (window as unknown as Dev).benchDevice.stats())).imported;
    const brT0 = await a.evaluate((n) => (window as unknown as Dev).benchDevice.bridgeBurst(n), M);
    // Where the time goes: when device A's bridge has sent them all, when B's has taken them all in.
    const stage = (p: Page, key: 'exported' | 'imported', from: number) =>
      p.waitForFunction(
        ([k, n]) =>
          (window as unknown as Dev).benchDevice.stats().then((s) => s[k as 'exported'] >= (n as number)),
        [key, from + M] as const,
        { timeout: 120_000, polling: 10 },
      );
    const [sentAt, takenAt] = await Promise.all([
      stage(a, 'exported', exported0).then(() => Date.now()),
      stage(b, 'imported', imported0).then(() => Date.now()),
    ]);
    const brT1 = await arrivals(b, 'bridge.tp', M);
    const firstAt = (await b.evaluate(() => (window as unknown as Dev).benchDevice.counts()))['bridge.tp']!
      .first;
    console.log(
      `bridge burst of ${M}: A sent all at +${sentAt - brT0} ms, B took all in at +${takenAt - brT0} ms, first delivered at +${firstAt - brT0} ms, all at +${brT1 - brT0} ms`,
    );
    results.push(
      compare(
        'bridge',
        'throughput small events',
        (M * 1000) / Math.max(1, brT1 - brT0),
        (M * 1000) / Math.max(1, rawT1 - rawT0),
        'events/s',
        { op: '>=', ratio: 0.5 },
      ),
    );

    const Q = 1000;
    const outage = Number(process.env.SENTIO_BENCH_OUTAGE_MS ?? 30_000);
    await server.stop();
    await a.evaluate((n) => (window as unknown as Dev).benchDevice.bridgeBurst(n, 'bench.durable.n'), Q);
    await new Promise((r) => setTimeout(r, outage));
    const queued = (await a.evaluate(() => (window as unknown as Dev).benchDevice.stats())).outboxDepth;
    const t0 = Date.now();
    await server.start();
    const t1 = await arrivals(b, 'bridge.durable', Q, 180_000);
    // Baseline: the same number of raw messages through the same server, end to end.
    const r0 = await a.evaluate((n) => (window as unknown as Dev).benchDevice.rawBurst(n), Q);
    const r1 = await arrivals(b, 'raw.tp', M + Q, 120_000);
    results.push(
      compare(
        'bridge',
        `catch-up after ${outage / 1000} s outage (${queued} queued, incl. reconnect)`,
        t1 - t0,
        r1 - r0,
        'ms',
      ),
    );
  } finally {
    await server.dispose();
  }
  return results;
}
