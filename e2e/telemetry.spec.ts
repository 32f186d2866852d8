// OTLP/HTTP export from the browser: the page's pipeline is traced per stage and exported by the browser
// build of the OpenTelemetry exporter to a receiver on loopback (another origin, so CORS is exercised too),
// which checks the spans and their parent links.
import { expect, test } from '@playwright/test';
import { chainOf, startOtlpReceiver, type OtlpSpan } from './fixtures/otlp-receiver';

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
        // The frame is local: its hop does not name it.
        'bus (local event)',
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

test('the agent host continues each traced event: bus → agent (delivery → commit) → action, and emits carry the trace', async ({
  page,
}) => {
  const receiver = await startOtlpReceiver();
  const { url, spans } = receiver;
  try {
    await page.goto('/e2e/pages/telemetry.html');
    await expect(page.locator('#status')).toHaveText('ready');
    const frames = 3;
    const r = await page.evaluate(({ url, frames }) => window.telemetryTest!.runAgents(url, frames), {
      url,
      frames,
    });
    expect(r.greetings).toBe(frames + 1);
    expect(r.shown).toHaveLength(2 * (frames + 1));
    expect(r.stats.failedExports).toBe(0);

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const clean = r.published.filter((p) => p.traceId && p.n < frames);
    for (const { traceId } of clean) {
      const inTrace = spans.filter((s) => s.traceId === traceId);
      const one = (name: string) => {
        const found = inTrace.filter((s) => s.name === name);
        expect(found, name).toHaveLength(1);
        return found[0]!;
      };
      const childrenOf = (parent: OtlpSpan) =>
        inTrace
          .filter((s) => s.parentSpanId === parent.spanId)
          .map((s) => s.name)
          .sort();
      // One root, and every other span's parent is in the same trace.
      expect(inTrace.filter((s) => !s.parentSpanId).map((s) => s.name)).toEqual(['capture camera.front']);
      for (const s of inTrace.filter((s) => s.parentSpanId))
        expect(byId.get(s.parentSpanId!)?.traceId).toBe(traceId);
      // capture → bus → agent greeter → { action show, the emit's hop to each greeting subscriber }.
      // The face event is local, and so is the greeting derived from it: their hops do not name them.
      const capture = one('capture camera.front');
      expect(childrenOf(capture)).toEqual(['bus (local event)']);
      const faceHop = inTrace.find((s) => s.parentSpanId === capture.spanId)!;
      expect(childrenOf(faceHop)).toEqual(['agent greeter']);
      const greeter = one('agent greeter');
      expect(greeter.status?.code ?? 0).not.toBe(2);
      expect(childrenOf(greeter)).toEqual(['action show', 'bus (local event)', 'bus (local event)']);
      const hops = inTrace.filter((s) => s.parentSpanId === greeter.spanId && s.name === 'bus (local event)');
      expect(hops.flatMap(childrenOf).sort()).toEqual(['action greet', 'agent echo']);
      // … → agent echo (in memory) → action show.
      expect(childrenOf(one('agent echo'))).toEqual(['action show']);
    }
    // The untraced event made no spans; its actions carried no trace.
    const untraced = r.published.find((p) => p.traceId === null)!;
    expect(r.shown.filter((s) => s.n === untraced.n).map((s) => s.traced)).toEqual([false, false]);
    expect(r.shown.filter((s) => s.n < frames).every((s) => s.traced)).toBe(true);
    // The poison event's greeter span ends as an error: dead-lettered.
    const poison = r.published.find((p) => p.n === frames + 1)!;
    const poisoned = spans.find((s) => s.traceId === poison.traceId && s.name === 'agent greeter')!;
    expect(poisoned.status).toMatchObject({ code: 2, message: 'agent "greeter" dead-lettered the event' });
    // Latency per stage: an agent stage per traced delivery, end to end for every final action.
    expect(r.metrics.agent.count).toBe(2 * frames + 1);
    // (+1: the untraced event's greeting reached tracer.handler, which starts a trace of its own for it.)
    expect(r.metrics['end-to-end'].count).toBe(3 * frames + 1);
    // Payloads never leave.
    expect(JSON.stringify(spans)).not.toContain('poison"');
  } finally {
    await receiver.close();
  }
});
