// The bridge's pure parts in Node: options, subjects, the inbound checks and the outbox (over
// fake-indexeddb, a complete IndexedDB). The wire itself is tested against a real nats-server in
// e2e/bridge.spec.ts.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { eventToProto } from '../events/codec-proto';
import type { SentioEvent } from '../events/event';
import { createIdGenerator } from '../events/id';
import { openDatabase } from '../storage/db';
import { createAuditLog, type AuditEntry } from '../privacy/audit-log';
import { createConsentStore } from '../privacy/consent';
import { createEdge, declassifyRules } from './edge';
import { createInbound, OversizeError, RateLimitedError, SubjectMismatchError } from './inbound';
import { endpointId, resolveOptions } from './options';
import { createOutbox } from './outbox';
import { BridgeConfigError, deviceOf, InsecureServerError, subjectFor } from './subjects';

const ids = createIdGenerator();
const event = (over: Partial<SentioEvent> = {}): SentioEvent => ({
  id: ids.next(),
  type: 'demo',
  topic: 'demo.x',
  ts: 1,
  source: 'test',
  privacy: 'public',
  qos: 'batched',
  payload: { n: 1 },
  ...over,
});

describe('bridge options', () => {
  const ok = { servers: 'ws://127.0.0.1:9222', device: 'laptop', export: ['a.>'], import: ['b.*'] };

  it('fills defaults and names the consent scope without credentials', () => {
    const o = resolveOptions(ok);
    expect(o).toMatchObject({ space: 'sentio', clearance: 'private', outboxLimit: 1000, durable: [] });
    expect(endpointId(['wss://user:pw@nats.example.com/ws'])).toBe('wss://nats.example.com');
  });

  it('refuses plain ws:// to another host unless insisted on, and says why', () => {
    const bad = { ...ok, servers: 'ws://192.168.1.5:9222' };
    expect(() => resolveOptions(bad)).toThrow(InsecureServerError);
    expect(() => resolveOptions(bad)).toThrow(/unencrypted; use wss:\/\//);
    expect(() => resolveOptions({ ...bad, allowInsecure: true })).not.toThrow();
    expect(() => resolveOptions({ ...ok, servers: 'wss://nats.example.com' })).not.toThrow();
  });

  it('names the bad field', () => {
    expect(() => resolveOptions({ ...ok, device: 'my phone' })).toThrow(/device "my phone" must be/);
    expect(() => resolveOptions({ ...ok, export: ['a.>.b'] })).toThrow(BridgeConfigError);
    expect(() => resolveOptions({ ...ok, servers: 'http://x' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => resolveOptions({ ...ok, servers: [] })).toThrow(/at least one/);
  });

  it('puts the device in the subject', () => {
    expect(subjectFor('home', 'd', 'quest', 'vision.face')).toBe('home.d.quest.vision.face');
    expect(deviceOf('home', 'home.d.quest.vision.face')).toBe('quest');
  });
});

describe('inbound checks', () => {
  const make = (perSecond = 10) => {
    let t = 0;
    const clock = { now: () => t };
    return {
      inbound: createInbound({ self: 'me', maxBytes: 1024, perSecond, clock }),
      advance: (ms: number) => (t += ms),
    };
  };

  it('marks the sender, drops duplicates and its own events', () => {
    const { inbound } = make();
    const e = event();
    const first = inbound.accept('phone', 'demo.x', eventToProto(e));
    expect(first).toMatchObject({ kind: 'event', event: { id: e.id, meta: { device: 'phone' } } });
    expect(inbound.accept('phone', 'demo.x', eventToProto(e))).toEqual({ kind: 'duplicate' });
    expect(inbound.accept('me', 'demo.x', eventToProto(event()))).toEqual({ kind: 'own' });
  });

  it('refuses by name: oversize, garbage, mismatched topic or device, floods', () => {
    const { inbound, advance } = make(10);
    const err = (a: ReturnType<typeof inbound.accept>) => (a.kind === 'rejected' ? a.error : null);
    expect(err(inbound.accept('x', 'demo.x', new Uint8Array(2048)))).toBeInstanceOf(OversizeError);
    expect(err(inbound.accept('x', 'demo.x', new Uint8Array([0xff, 0xff, 0xff])))?.name).toBe(
      'EventValidationError',
    );
    expect(err(inbound.accept('x', 'demo.y', eventToProto(event())))).toBeInstanceOf(SubjectMismatchError);
    expect(
      err(inbound.accept('x', 'demo.x', eventToProto(event({ meta: { device: 'other' } })))),
    ).toBeInstanceOf(SubjectMismatchError);
    const results = Array.from({ length: 30 }, () =>
      inbound.accept('flood', 'demo.x', eventToProto(event())),
    );
    expect(results.filter((r) => r.kind === 'event')).toHaveLength(20); // burst = 2 s worth
    expect(err(results[29]!)).toBeInstanceOf(RateLimitedError);
    advance(1000);
    expect(inbound.accept('flood', 'demo.x', eventToProto(event())).kind).toBe('event');
    // Another device has its own budget.
    expect(inbound.accept('calm', 'demo.x', eventToProto(event())).kind).toBe('event');
  });
});

describe('bridge outbox', () => {
  it('keeps events in order, drops realtime while offline and the oldest non-durable event when full', async () => {
    const db = openDatabase(`bridge-outbox-${Math.random()}`);
    const box = createOutbox(db, 'home:laptop', 3);
    await box.load();
    expect(await box.put('s', event({ qos: 'realtime' }), false)).toBe('realtime-offline');
    const durable = event({ payload: 'durable' });
    expect(await box.put('s', durable, true)).toBeNull();
    const old = event({ payload: 'old' });
    await box.put('s', old, false);
    await box.put('s', event({ payload: 'mid' }), false);
    expect(await box.put('s', event({ payload: 'new' }), false)).toBe('overflow');
    const rows = await box.peek(10);
    expect(rows.map((r) => r.event.payload)).toEqual(['durable', 'mid', 'new']);
    expect(box.depth()).toBe(3);
    // Survives a new connection (a reload).
    const again = createOutbox(openDatabase(db.name), 'home:laptop', 3);
    await again.load();
    expect(again.depth()).toBe(3);
    await again.remove([rows[0]!.seq!]);
    expect(again.depth()).toBe(2);
    expect(await again.purge((e) => e.payload === 'mid')).toBe(1);
    expect((await again.peek(10)).map((r) => r.event.payload)).toEqual(['new']);
  });
});

let edgeDbs = 0;
async function edgeWith(declassify: Record<string, string>) {
  const db = openDatabase(`edge-test-${Date.now()}-${edgeDbs++}`);
  const audit = createAuditLog({ db });
  const consent = createConsentStore({ db, audit });
  await consent.load();
  const edge = createEdge({
    consent,
    audit,
    endpoint: 'ws://127.0.0.1:9222',
    clearance: 'private',
    declassify,
  });
  return { edge, audit };
}

const reading = (): SentioEvent =>
  event({
    topic: 'vision.face.expression',
    privacy: 'local',
    payload: {
      frame: 7,
      backend: 'onnxruntime-wasm',
      faces: [
        {
          box: { x: 1, y: 2, w: 3, h: 4 },
          expression: 'happy',
          score: 0.9,
          scores: { happy: 0.9, sad: 0.1 },
        },
      ],
    },
  });

describe('bridge edge: local topics through a declared step', () => {
  it('withholds until the step is consented, then sends only the words, relabelled private, audited', async () => {
    const { edge, audit } = await edgeWith({ 'vision.face.expression': 'expression.devices' });
    expect(edge.declassify(reading())).toEqual({ withheld: 'declassify-no-consent' });
    await edge.grant('bridge.expression');
    const out = edge.declassify(reading());
    if (!('event' in out)) throw new Error('expected an event');
    expect(out.event.privacy).toBe('private');
    expect(out.event.payload).toEqual({ frame: 7, faces: [{ expression: 'happy', score: 0.9 }] });
    // Private still needs consent for the bridge itself.
    expect(edge.decide(out.event, 10)).toEqual({ send: false, reason: 'no-consent' });
    await edge.grant();
    expect(edge.decide(out.event, 10)).toEqual({ send: true });
    await edge.revoke('bridge.expression');
    expect(edge.declassify(reading())).toEqual({ withheld: 'declassify-no-consent' });
    // Audited per flow, whenever the decision changes (written in the background).
    const decisions = async () =>
      (await audit.entries())
        .map((r) => r.entry as AuditEntry)
        .filter((e) => e.what.startsWith('declassify.expression.devices'))
        .map((e) => e.decision);
    await expect.poll(decisions).toEqual(['denied', 'declassified', 'denied']);
  });

  it('leaves other events alone, and refuses a payload the step does not know by name', async () => {
    const { edge } = await edgeWith({ 'vision.face.expression': 'expression.devices' });
    await edge.grant('bridge.expression');
    const other = event({ topic: 'demo.loc', privacy: 'local' });
    expect(edge.declassify(other)).toEqual({ event: other });
    const odd = { ...reading(), payload: { faces: 'none' } };
    expect(edge.declassify(odd)).toEqual({
      withheld: 'declassify-failed',
      message: expect.stringMatching(/expression\.devices reduces vision\.face\.expression/),
    });
  });

  it('refuses an unknown step, or one that does not reduce local data, when the bridge is configured', () => {
    expect(() => declassifyRules({ 'a.b': 'frame.share' })).toThrow(/not a declared step/);
    expect(() => declassifyRules({ 'a.b': 'summary.share' })).toThrow(BridgeConfigError);
    const base = { servers: 'ws://127.0.0.1:1', device: 'd', export: [], import: [] };
    expect(() => resolveOptions({ ...base, declassify: { 'a.>.b': 'expression.devices' } })).toThrow(
      BridgeConfigError,
    );
    expect(
      resolveOptions({ ...base, declassify: { 'vision.face.expression': 'expression.devices' } }).declassify,
    ).toEqual({
      'vision.face.expression': 'expression.devices',
    });
  });
});
