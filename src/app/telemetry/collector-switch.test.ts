// Switching the OTLP collector while spans flow, against real loopback receivers: spans go where the setting
// says at the time they end, the old collector gets what it was owed, and failures are state, not throws.
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../e2e/fixtures/otlp-receiver';
import { StageTracer } from '../../telemetry/stage-tracer';
import { createCollectorSwitch, localTracer } from './collector-switch';

const open: OtlpReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});
async function receiver(status = 200) {
  const r = await startOtlpReceiver(status);
  open.push(r);
  return r;
}

const names = (r: OtlpReceiver) => r.spans.map((s) => s.name);

describe('collector switch', () => {
  it('exports to the collector in use, flushes the old one on a switch, and stops when turned off', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const tracer = new StageTracer({ tracer: localTracer() });
    const sw = createCollectorSwitch(tracer, { delayMs: 60_000 });
    tracer.begin('capture', 'before', undefined).end();
    await sw.use(a.url);
    expect(sw.state()).toMatchObject({ collector: a.url, exportedSpans: 0, failedExports: 0 });
    tracer.begin('capture', 'to-a', undefined).end();
    await sw.use(b.url); // a's batch is not due for a minute: the switch sends it
    tracer.begin('capture', 'to-b', undefined).end();
    await sw.flush();
    expect(sw.state()).toMatchObject({ collector: b.url, exportedSpans: 1 });
    await sw.use('');
    tracer.begin('capture', 'after', undefined).end();
    await sw.stop();
    expect(names(a)).toEqual(['capture to-a']);
    expect(names(b)).toEqual(['capture to-b']);
    expect(sw.state()).toEqual({ collector: null, exportedSpans: 0, failedExports: 0 });
    expect(tracer.metrics.summary().capture.count).toBe(4);
  });

  it('a collector that fails is counted with its error; a malformed URL is a problem, not a throw', async () => {
    const down = await receiver(500);
    const tracer = new StageTracer({ tracer: localTracer() });
    const sw = createCollectorSwitch(tracer, { delayMs: 60_000 });
    await sw.use(down.url);
    tracer.begin('capture', 'lost', undefined).end();
    await sw.flush();
    expect(sw.state()).toMatchObject({ collector: down.url, exportedSpans: 0, failedExports: 1 });
    expect(sw.state().lastError).toMatch(/Internal Server Error/);

    await sw.use('not a url');
    expect(sw.state()).toMatchObject({ collector: null });
    expect(sw.state().problem).toMatch(/"not a url" cannot be used: .*Invalid URL/);
    // The same bad value again keeps saying so; a good one clears it.
    await sw.use('not a url');
    expect(sw.state().problem).toBeDefined();
    await sw.use(null);
    expect(sw.state().problem).toBeUndefined();
    await sw.stop();
  });
});
