// Switching the OTLP collector while spans flow, against real loopback receivers: spans go where the setting
// says at the time they end, the old collector gets what it was owed, and failures are state, not throws.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../e2e/fixtures/otlp-receiver';
import { type AuditEntry, telemetryConsentKey, StageTracer } from '../../index';
import { privacyStack } from '../../router/test-support';
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

/** The gate and consent export answers to, with `telemetry` granted for these collectors. */
async function egress(...granted: string[]) {
  const { gate, consent, audit } = privacyStack();
  for (const url of granted) await consent.grant(telemetryConsentKey(url));
  return { egress: { gate, consent }, consent, audit };
}

describe('collector switch', () => {
  it('exports to the collector in use, flushes the old one on a switch, and stops when turned off', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const tracer = new StageTracer({ tracer: localTracer() });
    const sw = createCollectorSwitch(tracer, { delayMs: 60_000, ...(await egress(a.url, b.url)) });
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
    const sw = createCollectorSwitch(tracer, { delayMs: 60_000, ...(await egress(down.url)) });
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

  it('exports only while the person consents to that collector; revoking switches export off at once', async () => {
    const r = await receiver();
    const tracer = new StageTracer({ tracer: localTracer() });
    const { egress: e, consent, audit } = await egress();
    const sw = createCollectorSwitch(tracer, { delayMs: 60_000, egress: e });
    await sw.use(r.url);
    expect(sw.state()).toMatchObject({ collector: null, awaitingConsent: r.url });
    tracer.begin('capture', 'before-consent', undefined).end();
    await consent.grant(telemetryConsentKey(r.url));
    await sw.use(r.url); // waits for the switch the grant queued
    expect(sw.state()).toMatchObject({ collector: r.url });
    expect(sw.state().awaitingConsent).toBeUndefined();
    tracer.begin('capture', 'consented', undefined).end();
    await consent.revoke(telemetryConsentKey(r.url));
    tracer.begin('capture', 'after-revoke', undefined).end();
    await sw.use(r.url);
    expect(sw.state()).toMatchObject({ collector: null, awaitingConsent: r.url });
    await sw.stop();
    // The batch pending at the revocation was flushed through the gate on retiring: refused, never sent.
    expect(r.bodies).toHaveLength(0);
    const exports = (await audit.entries())
      .map((row) => row.entry as AuditEntry)
      .filter((x) => x.what === 'otlp.traces');
    expect(exports.map((x) => x.decision)).toEqual(['denied']);
  });

  it('without a gate export stays off, and says why', async () => {
    const r = await receiver();
    const sw = createCollectorSwitch(new StageTracer({ tracer: localTracer() }), {});
    await sw.use(r.url);
    expect(sw.state().collector).toBeNull();
    expect(sw.state().problem).toMatch(/needs the consent store and the egress gate/);
    await sw.stop();
  });
});
