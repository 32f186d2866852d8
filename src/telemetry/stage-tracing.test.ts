// StageTracer's open stages, tracer switching and windowed metrics, and the agent/action stages of the host,
// on the real OpenTelemetry SDK with an in-memory exporter: the spans and links are what OTLP would send.
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { SentioEvent } from '../events/event';
import { createAgentStages } from './agent-stages';
import { WindowedStageMetrics } from './stage-metrics';
import { StageTracer, type StageRecord } from './stage-tracer';
import { createStageRelay } from './stage-relay';

function recording() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('test'), spans: () => exporter.getFinishedSpans() };
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

const event = (
  trace: SentioEvent['trace'],
  ts: number,
  id = 'e1',
  privacy: SentioEvent['privacy'] = 'private',
): SentioEvent =>
  ({
    id,
    type: 'vision.face',
    topic: 'vision.face',
    ts,
    source: 'camera.front',
    privacy,
    qos: 'realtime',
    payload: { secret: 'pixels' },
    ...(trace ? { trace } : {}),
  }) as SentioEvent;

describe('StageTracer.begin', () => {
  it('starts a trace at a given instant, continues it in a child, and records end to end at the final stage', () => {
    const rec = recording();
    const clock = manualClock();
    const tracer = new StageTracer({ tracer: rec.tracer, clock });
    const captured = tracer.begin('capture', 'camera.front', undefined, { startTime: clock.now() - 12 });
    captured.end();
    clock.advance(30);
    const inference = tracer.begin('inference', 'face', captured.trace);
    clock.advance(40);
    inference.end();
    inference.end(); // a second end is ignored
    const action = tracer.begin('action', 'show', inference.trace, { final: true });
    clock.advance(5);
    action.end();

    expect(inference.trace).toMatchObject({
      traceId: captured.trace.traceId,
      parentId: captured.trace.spanId,
    });
    const [c, i, a] = rec.spans();
    expect([c, i, a].map((s) => s!.name)).toEqual(['capture camera.front', 'inference face', 'action show']);
    expect(parentOf(c!)).toBeUndefined();
    expect(parentOf(i!)).toBe(c!.spanContext().spanId);
    expect(parentOf(a!)).toBe(i!.spanContext().spanId);
    const m = tracer.metrics.summary();
    expect(m.capture).toMatchObject({ count: 1, max: 12 });
    expect(m.inference).toMatchObject({ count: 1, max: 40 });
    expect(m['end-to-end']).toMatchObject({ count: 1, max: 12 + 30 + 40 + 5 });
    // A second action caused by the same frame has its own end-to-end latency.
    clock.advance(10);
    tracer.begin('action', 'say', inference.trace, { final: true }).end();
    expect(tracer.metrics.summary()['end-to-end']).toMatchObject({ count: 2, max: 12 + 30 + 40 + 5 + 10 });
  });

  it('an error ends the span with its message; a stage that ran into a clock step back lasts 0, not less', () => {
    const rec = recording();
    const clock = manualClock();
    const tracer = new StageTracer({ tracer: rec.tracer, clock });
    const s = tracer.begin('inference', 'face', undefined, { startTime: clock.now() + 3 });
    s.end(new RangeError('tensor shape [1,3] is not [1,128,128,3]'));
    const span = rec.spans()[0]!;
    expect(span.status).toEqual({ code: 2, message: 'tensor shape [1,3] is not [1,128,128,3]' });
    expect(tracer.metrics.summary().inference).toMatchObject({ count: 1, max: 0 });
  });

  it('a bus hop starts where the publishing stage ended, not at the event ts (the content time)', () => {
    const rec = recording();
    const clock = manualClock();
    const tracer = new StageTracer({ tracer: rec.tracer, clock });
    const capturedAt = clock.now();
    const inference = tracer.begin('inference', 'face', undefined);
    clock.advance(100);
    inference.end();
    clock.advance(3);
    tracer.busHop(event(inference.trace, capturedAt));
    // A publisher this tracer never saw end (another tab): the event's ts is all there is.
    const elsewhere = { traceId: inference.trace.traceId, spanId: '1234567890abcdef' };
    tracer.busHop(event(elsewhere, capturedAt));
    const hops = rec.spans().filter((s) => s.name === 'bus vision.face');
    expect(hops.map((h) => h.startTime[1] / 1e6 + h.startTime[0] * 1000 - capturedAt)).toEqual([100, 0]);
    expect(tracer.metrics.summary().bus).toMatchObject({ count: 2, max: 103 });
  });

  it('useTracer sends later spans elsewhere while the metrics go on', () => {
    const first = recording();
    const second = recording();
    const tracer = new StageTracer({ tracer: first.tracer });
    tracer.begin('capture', 'camera.front', undefined).end();
    tracer.useTracer(second.tracer);
    tracer.begin('capture', 'camera.front', undefined).end();
    expect(first.spans()).toHaveLength(1);
    expect(second.spans()).toHaveLength(1);
    expect(tracer.metrics.summary().capture.count).toBe(2);
  });
});

describe('WindowedStageMetrics', () => {
  it('roll() gives the window since the last roll; summary() everything', () => {
    const m = new WindowedStageMetrics();
    m.record('inference', 10);
    m.record('inference', 20);
    const first = m.roll();
    expect(first.inference).toMatchObject({ count: 2, max: 20 });
    m.record('inference', 100);
    const second = m.roll();
    expect(second.inference).toMatchObject({ count: 1, max: 100 });
    expect(second.capture.count).toBe(0);
    expect(m.roll().inference.count).toBe(0);
    expect(m.summary().inference).toMatchObject({ count: 3, max: 100 });
  });
});

describe('agent stages', () => {
  it('delivery → bus hop → agent span open until settled → action span, all in the event trace', async () => {
    const rec = recording();
    const clock = manualClock();
    const tracer = new StageTracer({ tracer: rec.tracer, clock });
    const stages = createAgentStages(tracer);
    const captured = tracer.begin('capture', 'camera.front', undefined);
    captured.end();
    clock.advance(8);
    const delivered = stages.deliver('coach', event(captured.trace, clock.now() - 8));
    expect(stages.open()).toBe(1);
    // Delivered again before it settled (a durable redelivery): same span, no new one.
    expect(stages.deliver('coach', event(captured.trace, clock.now())).trace).toEqual(delivered.trace);
    clock.advance(20);
    stages.settled('coach', [{ eventId: 'e1', ok: true }]);
    expect(stages.open()).toBe(0);
    const result = await stages.perform(
      { key: 'e1:0', agentId: 'coach', kind: 'show', trace: delivered.trace },
      () => 'shown',
    );
    expect(result).toBe('shown');

    const spans = rec.spans();
    expect(spans.map((s) => s.name)).toEqual([
      'capture camera.front',
      'bus vision.face',
      'agent coach',
      'action show',
    ]);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.spanContext().traceId).toBe(captured.trace.traceId);
      expect(parentOf(spans[i]!)).toBe(spans[i - 1]!.spanContext().spanId);
    }
    const agent = spans[2]!;
    expect(agent.attributes).toMatchObject({ 'sentio.agent': 'coach', 'sentio.event.topic': 'vision.face' });
    // Names, never payloads.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('pixels');
    const m = tracer.metrics.summary();
    expect(m.bus).toMatchObject({ count: 1, max: 8 });
    expect(m.agent).toMatchObject({ count: 1, max: 20 });
    expect(m['end-to-end'].count).toBe(1);
  });

  it('a dead-lettered event and a failing actuator end their spans as errors; untraced ones make no spans', async () => {
    const rec = recording();
    const tracer = new StageTracer({ tracer: rec.tracer });
    const stages = createAgentStages(tracer);
    const root = tracer.begin('capture', 'camera.front', undefined);
    root.end();
    const delivered = stages.deliver('coach', event(root.trace, Date.now()));
    stages.settled('coach', [{ eventId: 'e1', ok: false }]);
    await expect(
      stages.perform({ key: 'k', agentId: 'coach', kind: 'say', trace: delivered.trace }, () => {
        throw new TypeError('speaker unplugged');
      }),
    ).rejects.toThrow('speaker unplugged');
    const untraced = event(undefined, Date.now(), 'e2');
    expect(stages.deliver('coach', untraced)).toBe(untraced);
    expect(await stages.perform({ key: 'k2', agentId: 'coach', kind: 'say' }, () => 1)).toBe(1);

    const byName = new Map(rec.spans().map((s) => [s.name, s]));
    expect(byName.get('agent coach')!.status).toEqual({
      code: 2,
      message: 'agent "coach" dead-lettered the event',
    });
    expect(byName.get('action say')!.status).toEqual({ code: 2, message: 'speaker unplugged' });
    expect(rec.spans()).toHaveLength(4);
  });

  it('spans of local events say only that they are local, unless the person allows more', () => {
    const rec = recording();
    const tracer = new StageTracer({ tracer: rec.tracer });
    const stages = createAgentStages(tracer);
    const root = tracer.begin('capture', 'camera.front', undefined);
    root.end();
    stages.deliver('coach', event(root.trace, Date.now(), 'secret-id', 'local'));
    stages.settled('coach', [{ eventId: 'secret-id', ok: true }]);
    const hidden = rec.spans().filter((s) => s.name !== 'capture camera.front');
    expect(hidden.map((s) => s.name)).toEqual(['bus (local event)', 'agent coach']);
    const text = JSON.stringify(hidden.map((s) => [s.name, s.attributes]));
    for (const leak of ['vision.face', 'secret-id', 'camera.front', 'pixels'])
      expect(text).not.toContain(leak);
    expect(hidden[1]!.attributes).toMatchObject({ 'sentio.event.privacy': 'local', 'sentio.agent': 'coach' });

    tracer.revealLocalEvents = true;
    stages.deliver('coach', event(root.trace, Date.now(), 'shown-id', 'local'));
    stages.settled('coach', [{ eventId: 'shown-id', ok: true }]);
    const shown = rec.spans().slice(-2);
    expect(shown.map((s) => s.name)).toEqual(['bus vision.face', 'agent coach']);
    expect(shown[1]!.attributes).toMatchObject({ 'sentio.event.id': 'shown-id' });
    expect(JSON.stringify(shown.map((s) => s.attributes))).not.toContain('pixels');
  });

  it('spans whose commit never comes are bounded: the oldest ends as failed', () => {
    const rec = recording();
    const tracer = new StageTracer({ tracer: rec.tracer });
    const stages = createAgentStages(tracer, 2);
    const root = tracer.begin('capture', 'camera.front', undefined);
    root.end();
    for (const id of ['a', 'b', 'c']) stages.deliver('coach', event(root.trace, Date.now(), id));
    expect(stages.open()).toBe(2);
    const lost = rec.spans().filter((s) => s.name === 'agent coach');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.attributes['sentio.event.id']).toBe('a');
    expect(lost[0]!.status.message).toMatch(/no commit was reported/);
  });
});

describe('stages relayed from another thread (createStageRelay → StageTracer.record)', () => {
  function recordingOn(tracer: StageTracer) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      idGenerator: tracer.ids,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    tracer.useTracer(provider.getTracer('test'));
    return () => exporter.getFinishedSpans();
  }

  it('exports each stage under the very ids its events carry, root and child, with its latency and error', () => {
    const clock = manualClock();
    const page = new StageTracer({ clock });
    const spans = recordingOn(page);
    const records: StageRecord[] = [];
    const worker = createStageRelay((r) => records.push(r), clock.now);

    const captured = worker.begin('capture', 'microphone.main', undefined, { startTime: clock.now() - 5 });
    captured.end();
    const vad = worker.begin('inference', 'voice-activity', captured.trace);
    clock.advance(20);
    vad.end(new Error('model gone'));
    for (const r of records) page.record(r);

    const [capture, inference] = spans();
    expect(capture!.spanContext()).toMatchObject(captured.trace);
    expect(capture!.parentSpanContext).toBeUndefined();
    expect(inference!.spanContext()).toMatchObject({ traceId: vad.trace.traceId, spanId: vad.trace.spanId });
    expect(vad.trace).toEqual({
      traceId: captured.trace.traceId,
      spanId: inference!.spanContext().spanId,
      parentId: captured.trace.spanId,
    });
    expect(parentOf(inference!)).toBe(captured.trace.spanId);
    expect(inference!.status.message).toBe('model gone');
    expect(page.metrics.summary().inference).toMatchObject({ count: 1, p50: 20 });
    // Spans made here afterwards get ids of their own again.
    const next = page.begin('agent', 'a', vad.trace);
    next.end();
    expect(next.trace.spanId).not.toBe(vad.trace.spanId);
    expect(next.trace.traceId).toBe(vad.trace.traceId);
  });
});
