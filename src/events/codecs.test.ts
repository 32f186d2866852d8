import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SentioEvent } from './event';
import { eventFromJson, eventToJson } from './codec-json';
import { batchFromProto, batchToProto, eventFromProto, eventToProto } from './codec-proto';
import { createIdGenerator } from './id';

const ids = createIdGenerator();
const hex = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const arbEvent = fc.record(
  {
    id: fc.constant(null).map(() => ids.next()),
    type: fc.constantFrom('vision.face', 'audio.transcript', 'agent.action'),
    topic: fc.constantFrom('camera.front.face', 'audio.mic.transcript', 'agent.coach.action'),
    ts: fc.double({ min: 0, max: Date.now(), noNaN: true }),
    source: fc.constantFrom('camera.front', 'agent.coach'),
    privacy: fc.constantFrom('local', 'private', 'public'),
    qos: fc.constantFrom('realtime', 'batched', 'background'),
    priority: fc.integer({ min: -10, max: 10 }),
    trace: fc.record({ traceId: hex(32), spanId: hex(16) }),
    // Empty meta and tags are dropped on the wire (protobuf cannot tell empty from absent), so generate non-empty ones.
    meta: fc.dictionary(fc.constantFrom('session', 'device'), fc.string({ maxLength: 10 }), { minKeys: 1 }),
    payload: fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    tags: fc.array(fc.constantFrom('face', 'emotion', 'realtime'), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ['id', 'type', 'topic', 'ts', 'source', 'privacy', 'qos', 'payload'] },
) as fc.Arbitrary<SentioEvent>;

// JSON cannot tell -0 from 0; compare as JSON does.
const normal = (e: SentioEvent) => JSON.parse(JSON.stringify(e));

describe('codecs', () => {
  it('JSON round-trips any valid event', () => {
    fc.assert(
      fc.property(arbEvent, (e) => {
        expect(normal(eventFromJson(eventToJson(e)))).toEqual(normal(e));
      }),
      { numRuns: 300 },
    );
  });

  it('protobuf round-trips any valid event, and batches', () => {
    fc.assert(
      fc.property(arbEvent, (e) => {
        expect(normal(eventFromProto(eventToProto(e)))).toEqual(normal(e));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 5 }), (es) => {
        expect(batchFromProto(batchToProto(es)).map(normal)).toEqual(es.map(normal));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps binary payloads binary in both forms', () => {
    const samples = new Float32Array([0.5, -0.25, 1]);
    const e = {
      id: ids.next(),
      type: 'audio.chunk',
      topic: 'audio.mic.chunk',
      ts: 1,
      source: 'mic',
      privacy: 'local',
      qos: 'realtime',
      payload: { samples },
    } as SentioEvent;
    const viaJson = eventFromJson(eventToJson(e)).payload as { samples: Float32Array };
    expect(viaJson.samples).toBeInstanceOf(Float32Array);
    expect([...viaJson.samples]).toEqual([0.5, -0.25, 1]);
    const viaProto = eventFromProto(eventToProto(e)).payload as { samples: Float32Array };
    expect([...viaProto.samples]).toEqual([0.5, -0.25, 1]);
    const raw = { ...e, payload: new Uint8Array([1, 2, 3]).buffer };
    expect([...new Uint8Array(eventFromProto(eventToProto(raw)).payload as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it('refuses garbage with a named error', () => {
    expect(() => eventFromProto(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/not a sentio.v1.Event/);
    expect(() => eventFromJson('{"id": 1}', undefined, 7)).toThrow(/line 7/);
    expect(() => eventFromJson('not json')).toThrow(/not valid JSON/);
  });
});

describe('codecs keep what JSON alone would lose', () => {
  const withPayload = (payload: unknown) =>
    ({
      id: ids.next(),
      type: 't',
      topic: 'a.b',
      ts: 1,
      source: 's',
      privacy: 'private',
      qos: 'batched',
      payload,
    }) as SentioEvent;

  it('bigint, NaN, ±Infinity, Map, Set, Date, RegExp and Error round-trip in JSON and protobuf', () => {
    const err = new RangeError('too far', { cause: 7n });
    const payload = {
      big: -(2n ** 80n),
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      list: [NaN, 1n],
      map: new Map<unknown, unknown>([
        [1n, 'one'],
        ['k', new Set([1])],
      ]),
      when: new Date(1234),
      bad: new Date(NaN),
      re: /x+/gi,
      err,
    };
    for (const back of [
      eventFromJson(eventToJson(withPayload(payload))).payload,
      eventFromProto(eventToProto(withPayload(payload))).payload,
    ]) {
      const p = back as typeof payload;
      expect(p.big).toBe(-(2n ** 80n));
      expect(p.nan).toBeNaN();
      expect([p.inf, p.ninf]).toEqual([Infinity, -Infinity]);
      expect(p.list[0]).toBeNaN();
      expect(p.list[1]).toBe(1n);
      expect(p.map).toEqual(
        new Map<unknown, unknown>([
          [1n, 'one'],
          ['k', new Set([1])],
        ]),
      );
      expect(p.when).toEqual(new Date(1234));
      expect(Number.isNaN(p.bad.getTime())).toBe(true);
      expect(p.re.source + p.re.flags).toBe('x+gi');
      expect(p.err).toBeInstanceOf(RangeError);
      expect(p.err.message).toBe('too far');
      expect((p.err as { cause?: unknown }).cause).toBe(7n);
    }
  });

  it('never mistakes a payload for a tag: objects with tag-like keys come back as they were', () => {
    const payload = { $bigint: '5', nested: { $bytes: 'AAA=', $view: 'Uint8Array' }, $object: [['a', 1]] };
    expect(eventFromJson(eventToJson(withPayload(payload))).payload).toEqual(payload);
    expect(eventFromProto(eventToProto(withPayload(payload))).payload).toEqual(payload);
  });

  it('refuses a malformed tag with a named error', () => {
    const line = eventToJson(withPayload(1)).replace('"payload":1', '"payload":{"$number":"lots"}');
    expect(() => eventFromJson(line)).toThrow(/\$number must be NaN, Infinity or -Infinity/);
  });
});
