// OTLP export end to end in Node: a camera → inference → agent → action pipeline on a real bus, traced per
// stage, exported over HTTP to a receiver on loopback that checks the spans and how they link.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver as startReceiver, type OtlpSpan } from '../../e2e/fixtures/otlp-receiver';
import { createLocalBus } from '../bus/local-bus';
import type { AuditEntry } from '../privacy/audit-log';
import { privacyStack } from '../router/test-support';
import { telemetryConsentKey } from './gate-transport';
import { createOtlpTracing, type OtlpTracing } from './otlp';
import { StageTracer } from './stage-tracer';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** An egress gate whose consent store has `telemetry` granted for this collector. */
async function grantedGate(url: string) {
  const stack = privacyStack();
  await stack.consent.grant(telemetryConsentKey(url));
  return stack;
}

type Topics = {
  'camera.front.frame': { n: number };
  'camera.front.face': { n: number; secret: string };
  'agent.coach.action': { n: number; say: string };
};

/** camera.frame → (inference) vision.face → (agent) agent.coach.action → (action) done */
async function runPipeline(tracing: OtlpTracing, frames: number) {
  const tracer = new StageTracer({ tracer: tracing.tracer });
  const bus = createLocalBus<Topics>({ name: 'test' });
  const actions: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  bus.subscribe(
    'camera.front.frame',
    tracer.handler<{ n: number }>('inference', 'face-detect', (e, run) => {
      bus.publish(
        'camera.front.face',
        { n: e.payload.n, secret: 'raw-pixels' },
        { trace: run.trace, privacy: 'local' },
      );
    }),
  );
  bus.subscribe(
    'camera.front.face',
    tracer.handler<{ n: number }>('agent', 'coach', (e, run) => {
      bus.publish('agent.coach.action', { n: e.payload.n, say: 'hello' }, { trace: run.trace });
    }),
  );
  bus.subscribe(
    'agent.coach.action',
    tracer.handler<{ n: number }>(
      'action',
      'show',
      (e) => {
        actions.push(`frame ${e.payload.n}`);
        if (actions.length === frames) done();
      },
      { final: true },
    ),
  );
  for (let n = 0; n < frames; n++) {
    await tracer.run('capture', 'camera.front', undefined, (run) => {
      bus.publish('camera.front.frame', { n }, { trace: run.trace, privacy: 'local', qos: 'realtime' });
    });
  }
  await finished;
  return { tracer, actions };
}

describe('OTLP/HTTP export of stage spans', () => {
  it('sends every stage of a frame as one trace whose spans form the capture → action chain', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { gate } = await grantedGate(receiver.url);
    const tracing = createOtlpTracing({ url: receiver.url, gate, serviceName: 'sentio-test', delayMs: 50 });
    cleanups.push(() => tracing.shutdown());

    const { tracer, actions } = await runPipeline(tracing, 3);
    expect(actions).toEqual(['frame 0', 'frame 1', 'frame 2']);
    await tracing.flush();

    expect(receiver.contentTypes[0]).toMatch(/application\/json/);
    expect(receiver.spans).toHaveLength(3 * 7);
    const traces = new Map<string, OtlpSpan[]>();
    for (const s of receiver.spans) traces.set(s.traceId, [...(traces.get(s.traceId) ?? []), s]);
    expect(traces.size).toBe(3);
    for (const spans of traces.values()) {
      const root = spans.filter((s) => !s.parentSpanId);
      expect(root.map((s) => s.name)).toEqual(['capture camera.front']);
      // Walk from the root: each span has exactly one child, in stage order.
      const chain: string[] = [];
      let at = root[0];
      while (at) {
        chain.push(at.name);
        const children = spans.filter((s) => s.parentSpanId === at!.spanId);
        expect(children.length).toBeLessThanOrEqual(1);
        at = children[0];
      }
      expect(chain).toEqual([
        'capture camera.front',
        // The frame and the face are local: their hops do not name them.
        'bus (local event)',
        'inference face-detect',
        'bus (local event)',
        'agent coach',
        'bus agent.coach.action',
        'action show',
      ]);
    }
    // Payloads never leave in telemetry, nor which local events there were.
    expect(receiver.bodies.join('')).not.toContain('raw-pixels');
    expect(receiver.bodies.join('')).not.toContain('camera.front.frame');
    expect(receiver.bodies.join('')).not.toContain('camera.front.face');
    expect(tracing.stats()).toMatchObject({ exportedSpans: 21, failedExports: 0 });
    const m = tracer.metrics.summary();
    expect(m.capture.count).toBe(3);
    expect(m.bus.count).toBe(9);
    expect(m['end-to-end'].count).toBe(3);
  });

  it('a failing collector is counted and reported; the pipeline goes on', async () => {
    const receiver = await startReceiver(500);
    cleanups.push(() => receiver.close());
    const { gate } = await grantedGate(receiver.url);
    const tracing = createOtlpTracing({ url: receiver.url, gate, delayMs: 50 });
    cleanups.push(() => tracing.shutdown());
    const { actions } = await runPipeline(tracing, 2);
    expect(actions).toHaveLength(2);
    await tracing.flush();
    expect(receiver.bodies.length).toBeGreaterThan(0);
    const stats = tracing.stats();
    expect(stats.exportedSpans).toBe(0);
    expect(stats.failedExports).toBeGreaterThan(0);
    expect(stats.lastError).toMatch(/Internal Server Error/);
  });

  it('refuses a malformed collector URL by name', () => {
    expect(() => createOtlpTracing({ url: 'not a url', gate: privacyStack().gate })).toThrow(/Invalid URL/);
  });

  it('sends nothing without consent for that collector, audits every export, and stops on revocation', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { gate, consent, audit } = privacyStack();
    const other = 'http://127.0.0.1:1/v1/traces';
    await consent.grant(telemetryConsentKey(other)); // consent for another collector is not consent for this one
    const tracing = createOtlpTracing({ url: receiver.url, gate, delayMs: 60_000 });
    cleanups.push(() => tracing.shutdown());
    const tracer = new StageTracer({ tracer: tracing.tracer });
    tracer.begin('capture', 'unconsented', undefined).end();
    await tracing.flush();
    expect(receiver.bodies).toHaveLength(0);
    expect(tracing.stats()).toMatchObject({ exportedSpans: 0, failedExports: 1 });
    expect(tracing.stats().lastError).toMatch(
      /no consent for "telemetry" on endpoint "http:\/\/127\.0\.0\.1:\d+\/v1\/traces"/,
    );

    await consent.grant(telemetryConsentKey(receiver.url));
    tracer.begin('capture', 'consented', undefined).end();
    await tracing.flush();
    expect(receiver.spans.map((s) => s.name)).toEqual(['capture consented']);

    await consent.revoke(telemetryConsentKey(receiver.url));
    tracer.begin('capture', 'revoked', undefined).end();
    await tracing.flush();
    expect(receiver.bodies).toHaveLength(1);
    const exports = (await audit.entries())
      .map((row) => row.entry as AuditEntry)
      .filter((e) => e.capability === 'telemetry' && e.what === 'otlp.traces');
    expect(exports.map((e) => e.decision)).toEqual(['denied', 'allowed', 'denied']);
    expect(exports[1]!.bytes).toBe(new TextEncoder().encode(receiver.bodies[0]!).byteLength);
    expect(exports.every((e) => e.endpoint === telemetryConsentKey(receiver.url).endpoint)).toBe(true);
  });

  it('a stage that throws ends its span with the error status and rethrows', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const { gate } = await grantedGate(receiver.url);
    const tracing = createOtlpTracing({ url: receiver.url, gate, delayMs: 50 });
    cleanups.push(() => tracing.shutdown());
    const tracer = new StageTracer({ tracer: tracing.tracer });
    await expect(
      tracer.run('inference', 'broken-model', undefined, () => {
        throw new RangeError('tensor shape [1,3] is not [1,128,128,3]');
      }),
    ).rejects.toThrow(RangeError);
    await tracing.flush();
    const body = JSON.parse(receiver.bodies[0]!) as {
      resourceSpans: {
        scopeSpans: { spans: { name: string; status: { code: number; message: string } }[] }[];
      }[];
    };
    const span = body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe('inference broken-model');
    expect(span.status).toEqual({ code: 2, message: 'tensor shape [1,3] is not [1,128,128,3]' });
  });
});
