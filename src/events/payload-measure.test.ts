import { describe, expect, it } from 'vitest';
import { measurePayload, payloadField } from './payload-measure';
import { DEFAULT_LIMITS, validateEvent } from './validate';
import { createIdGenerator } from './id';

const ids = createIdGenerator();
const event = (payload: unknown, patch: Record<string, unknown> = {}) => ({
  id: ids.next(),
  type: 't',
  topic: 'a.b',
  ts: Date.now(),
  source: 's',
  privacy: 'private',
  qos: 'batched',
  payload,
  ...patch,
});
const huge = 'z'.repeat(1 << 20);

function problem(payload: unknown) {
  const r = measurePayload(payload, DEFAULT_LIMITS);
  return 'reason' in r ? `${payloadField(r.path)}: ${r.reason}` : null;
}

describe('measurePayload: what a structured clone copies', () => {
  it('counts the entries of Map and Set, Error messages and stacks, and wrapped strings', () => {
    for (const p of [
      new Map([['k', huge]]),
      new Map([[huge, 1]]),
      new Set([huge]),
      new Error(huge),
      new String(huge),
    ])
      expect(problem(p)).toMatch(/^payload: larger than the 262144-byte limit/);
    const cause = new Error('outer', { cause: new Error(huge) });
    expect(problem(cause)).toMatch(/larger than/);
    const small = measurePayload(new Map([['k', 'x'.repeat(1000)]]), DEFAULT_LIMITS);
    expect('bytes' in small && small.bytes).toBeGreaterThan(1000);
  });

  it('names where an unclonable value sits', () => {
    expect(problem({ a: [1, { f() {} }] })).toMatch(/^payload\.a\[1\]\.f: contains a function/);
    expect(problem({ s: Symbol('x') })).toMatch(/^payload\.s: contains a symbol/);
    expect(problem(new Map([['k', { w: new WeakMap() }]]))).toMatch(
      /^payload\["<entry 0>"\]\.w: contains a WeakMap/,
    );
    expect(problem({ p: Promise.resolve() })).toMatch(/Promise/);
    expect(problem({ 'odd key': () => 1 })).toMatch(/^payload\["odd key"\]/);
  });

  it('refuses SharedArrayBuffer and its views: the hub (never cross-origin isolated) cannot receive them', () => {
    const sab = new SharedArrayBuffer(8);
    expect(problem({ b: sab })).toMatch(/^payload\.b: contains a SharedArrayBuffer/);
    expect(problem(new Int32Array(sab))).toMatch(/SharedArrayBuffer/);
  });

  it('stops at the depth limit, so a 5,000-deep or cyclic object is refused, not a stack overflow', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(problem(deep)).toMatch(/deeper than 32 levels/);
    const cyclic = new Map<string, unknown>();
    cyclic.set('me', cyclic);
    expect(problem(cyclic)).toMatch(/deeper than 32 levels/);
  });

  it('a getter that throws is a refusal, not an exception', () => {
    const p = {
      get boom(): never {
        throw new Error('no');
      },
    };
    expect(problem(p)).toMatch(/reading it threw: no/);
  });

  it('accepts what clones: bigint, NaN, Date, RegExp, class instances, typed arrays (as media)', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    for (const p of [10n ** 30n, NaN, new Date(), /a+/g, new Point(1, 2), { v: new Float32Array(4) }])
      expect(problem(p)).toBeNull();
    const m = measurePayload({ v: new Float32Array(4) }, DEFAULT_LIMITS);
    expect('mediaBytes' in m && m.mediaBytes).toBe(16);
  });
});

describe('validateEvent bounds ts', () => {
  it('refuses a ts beyond the allowed clock skew, naming the field', () => {
    const now = 1_800_000_000_000;
    const r = validateEvent(event(1, { ts: 1e20 }), DEFAULT_LIMITS, now);
    expect(r.ok || `${r.error.field}: ${r.error.reason}`).toMatch(
      /^ts: ts \S+ is \d+ ms ahead of the receiver's clock/,
    );
    expect(validateEvent(event(1, { ts: now + DEFAULT_LIMITS.maxFutureMs }), DEFAULT_LIMITS, now).ok).toBe(
      true,
    );
    expect(
      validateEvent(event(1, { ts: now + DEFAULT_LIMITS.maxFutureMs + 1 }), DEFAULT_LIMITS, now).ok,
    ).toBe(false);
    // The past is fine: an imported log from last year validates.
    expect(validateEvent(event(1, { ts: now - 365 * 86_400_000 }), DEFAULT_LIMITS, now).ok).toBe(true);
  });

  it('reports a payload problem at its path', () => {
    const r = validateEvent(event({ list: [0, { f() {} }] }));
    expect(r.ok || r.error.field).toBe('payload.list[1].f');
  });
});
