import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, idTime, UUID_V7 } from './id';
import { EventSchema, EventValidationError, fastAccept, validateEvent } from './validate';

const ids = createIdGenerator();
const good = () => ({
  id: ids.next(),
  type: 'vision.face',
  topic: 'camera.front.face',
  ts: 1_700_000_000_000,
  source: 'camera.front',
  privacy: 'local',
  qos: 'realtime',
  payload: { box: [1, 2, 3, 4], score: 0.9 },
});

describe('validateEvent', () => {
  it('accepts a well-formed event, through the fast path', () => {
    expect(fastAccept(good())).toBe(true);
    expect(validateEvent(good()).ok).toBe(true);
  });

  it('accepts the optional fields through the schema', () => {
    const e = {
      ...good(),
      trace: { traceId: 't', spanId: 's' },
      meta: { session: 'x' },
      tags: ['a'],
      confidence: 1,
    };
    expect(fastAccept(e)).toBe(false);
    expect(validateEvent(e).ok).toBe(true);
  });

  it('takes a trace context and string meta through the fast path (every bridged or traced event has them)', () => {
    const e = { ...good(), trace: { traceId: 't', spanId: 's', parentId: 'p' }, meta: { device: 'laptop' } };
    expect(fastAccept(e)).toBe(true);
    expect(validateEvent(e).ok).toBe(true);
    // Anything unusual is left to the schema, which names the field.
    for (const odd of [
      { meta: { n: 1 } },
      { meta: JSON.parse('{"__proto__": "x"}') as object },
      { meta: new Map([['a', 'b']]) },
      { trace: { traceId: 't' } },
      { trace: { traceId: 't', spanId: 'x'.repeat(65) } },
    ])
      expect(fastAccept({ ...good(), ...odd })).toBe(false);
  });

  it.each([
    [{ id: 'nope' }, 'id', /UUIDv7/],
    [{ topic: 'camera..face' }, 'topic', /token 2 is empty/],
    [{ topic: 'camera.*' }, 'topic', /only allowed in subscription patterns/],
    [{ ts: 'yesterday' }, 'ts', /must be a number/],
    [{ ts: Infinity }, 'ts', /finite/],
    [{ privacy: 'secret' }, 'privacy', /local, private, public/],
    [{ qos: 'fast' }, 'qos', /realtime, batched, background/],
    [{ source: '' }, 'source', /must not be empty/],
    [{ confidence: 2 }, 'confidence', /≤ 1/],
    [{ payload: undefined }, 'payload', /payload is (missing|required)/],
    [{ trace: { traceId: 't' } }, 'trace.spanId', /trace.spanId is required/],
    [{ topic: undefined }, 'topic', /topic is required/],
    [{ meta: { n: 1 } }, 'meta.n', /strings/],
  ])('rejects %j naming field %s', (patch, field, reason) => {
    const r = validateEvent({ ...good(), ...patch });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(EventValidationError);
    expect(r.error.field).toBe(field);
    expect(r.error.reason).toMatch(reason);
  });

  it('rejects a non-object', () => {
    const r = validateEvent('hello');
    expect(r.ok || r.error.message).toMatch(/must be an object/);
  });

  it('rejects an oversize payload but not large media', () => {
    const big = { ...good(), payload: { text: 'x'.repeat(300 * 1024) } };
    const r = validateEvent(big);
    expect(r.ok || r.error.field).toBe('payload');
    expect(r.ok || r.error.reason).toMatch(/262144-byte limit/);
    expect(validateEvent({ ...good(), payload: { samples: new Float32Array(1 << 20) } }).ok).toBe(true);
    expect(validateEvent({ ...good(), payload: new ArrayBuffer(32 << 20) }).ok).toBe(false);
  });

  it('rejects cyclic and function payloads', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(validateEvent({ ...good(), payload: cyclic }).ok || 'rejected').toBe('rejected');
    const r = validateEvent({ ...good(), payload: { f: () => 1 } });
    expect(r.ok || r.error.reason).toMatch(/function/);
  });

  it('the fast path never accepts what the schema rejects', () => {
    const mutated = fc.record(
      {
        id: fc.oneof(fc.constant(ids.next()), fc.string(), fc.uuid()),
        type: fc.oneof(fc.constant('a.b'), fc.string()),
        topic: fc.oneof(fc.constant('a.b'), fc.string(), fc.constant('a.*')),
        ts: fc.oneof(fc.double(), fc.integer(), fc.constant(NaN)),
        source: fc.oneof(fc.constant('s'), fc.string()),
        privacy: fc.oneof(fc.constant('local'), fc.string()),
        qos: fc.oneof(fc.constant('batched'), fc.string()),
        priority: fc.oneof(fc.double(), fc.string()),
        confidence: fc.oneof(fc.double(), fc.constant(0.5)),
        payload: fc.jsonValue(),
        trace: fc.oneof(
          fc.record({ traceId: fc.string(), spanId: fc.string() }),
          fc.record(
            { traceId: fc.string(), spanId: fc.string(), parentId: fc.oneof(fc.string(), fc.integer()) },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        meta: fc.oneof(
          fc.dictionary(fc.string(), fc.string(), { maxKeys: 70 }),
          fc.dictionary(fc.string(), fc.jsonValue()),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: ['id', 'type', 'topic', 'ts', 'source', 'privacy', 'qos'] },
    );
    fc.assert(
      fc.property(mutated, (e) => {
        if (fastAccept(e)) expect(v.safeParse(EventSchema, e).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ids', () => {
  it('are UUIDv7, strictly increasing from one generator, and carry their time', () => {
    let t = 1_700_000_000_000;
    const gen = createIdGenerator({ now: () => t });
    const seen: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i % 3000 === 0) t += 1;
      seen.push(gen.next());
    }
    expect(seen.every((id) => UUID_V7.test(id))).toBe(true);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
    expect(idTime(seen[0]!)).toBe(1_700_000_000_001);
  });

  it('carry 62 random bits per millisecond, with the counter in their last three digits', () => {
    const t = 1_700_000_000_000;
    let draw = 0;
    // Random bytes that differ from draw to draw: each millisecond gets its own.
    const fill = (b: Uint8Array) => b.forEach((_, i) => ((b[i] = (draw * 37 + i * 101) & 0xff), draw++));
    const gen = createIdGenerator({ now: () => t }, fill);
    const ms = Array.from({ length: 4097 }, () => gen.next());
    // Within a millisecond only the counter moves; its 4097th id opened the next one, new random bits.
    expect(new Set(ms.slice(0, 4096).map((id) => id.slice(0, 33))).size).toBe(1);
    expect(ms.slice(0, 3).map((id) => id.slice(33))).toEqual(['000', '001', '002']);
    expect(ms[4096]!.slice(14, 33)).not.toBe(ms[0]!.slice(14, 33));
    expect(idTime(ms[4096]!)).toBe(t + 1);
    expect(ms.every((id, i) => i === 0 || id > ms[i - 1]!)).toBe(true);
  });

  it('keep order when the clock steps back', () => {
    let t = 2_000;
    const gen = createIdGenerator({ now: () => t });
    const a = gen.next();
    t = 1_000;
    const b = gen.next();
    expect(b > a).toBe(true);
  });
});

describe('createCoarseClock', () => {
  it('reads the source at most once per 64 calls in one run and afresh after a microtask', async () => {
    const { createCoarseClock } = await import('./id');
    let reads = 0;
    const clock = createCoarseClock(() => ++reads);
    for (let i = 0; i < 640; i++) clock.now();
    expect(reads).toBe(10);
    await Promise.resolve();
    expect(clock.now()).toBe(11);
  });
});
