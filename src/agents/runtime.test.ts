// The worker-side runtime in Node over fake-indexeddb (a complete IndexedDB implementation): exactly-once
// bookkeeping that does not need a browser. The browser crash test is e2e/agents.spec.ts.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SentioEvent } from '../events/event';
import { createIdGenerator } from '../events/id';
import { openDatabase } from '../storage/db';
import { defineAgent } from './define';
import { createDurableStore, OwnershipError } from './durable-store';
import type { FailureReport, HostCallbacks } from './protocol';
import { createAgentRuntime } from './runtime';
import type { AgentAction } from './types';

const ids = createIdGenerator();
const ev = (n: number, topic = 't.n'): SentioEvent =>
  ({
    id: ids.next(),
    topic,
    type: topic,
    ts: Date.now(),
    source: 's',
    privacy: 'private',
    qos: 'batched',
    payload: { n },
  }) as SentioEvent;

function callbacks() {
  const actions: AgentAction[] = [];
  const failures: FailureReport[] = [];
  const host: HostCallbacks = {
    committed: (a) => void actions.push(...a),
    failed: (f) => void failures.push(f),
    infer: async () => null,
    log: () => {},
  };
  return { host, actions, failures };
}

const summer = () =>
  defineAgent<{ sum: number; seen: number[] }>({
    id: 'summer',
    subscribe: ['t.>'],
    initialState: { sum: 0, seen: [] },
    on(event, ctx) {
      const { n } = event.payload as { n: number };
      ctx.state.sum += n;
      ctx.state.seen.push(n);
      ctx.act('add', n);
    },
  });

const noLock = async () => {};
const until = async (f: () => boolean) => {
  for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(f()).toBe(true);
};

describe('agent runtime (worker side)', () => {
  it('two agents acting on one event keep both actions, each labelled like the event', async () => {
    const dbName = `rt-${Math.random()}`;
    const db = openDatabase(dbName);
    const store = createDurableStore(db);
    const event = { ...ev(7), privacy: 'local' as const };
    const twin = () => ({ ...summer(), id: 'twin' });
    const fresh = await store.accept(['summer', 'twin'].map((agentId) => ({ agentId, event })));
    const rt = createAgentRuntime([summer(), twin()], { holdLock: noLock });
    const cb = callbacks();
    rt.deliver(fresh);
    expect((await rt.start({ dbName, lifeLock: 'x', groupCommit: 1 }, cb.host)).ok).toBe(true);
    await until(() => cb.actions.length === 2);
    expect(cb.actions.map((a) => [a.key, a.privacy]).sort()).toEqual([
      [`summer:${event.id}:0`, 'local'],
      [`twin:${event.id}:0`, 'local'],
    ]);
    // The durable outbox keeps both (one key would have let the second overwrite the first), label and all.
    const pending = await store.pendingActions();
    expect(pending.map((a) => [a.agentId, a.privacy]).sort()).toEqual([
      ['summer', 'local'],
      ['twin', 'local'],
    ]);
    // What each publishes has its id already, stored: a re-dispatch after a crash publishes the same event.
    const ids = new Map(cb.actions.map((a) => [a.key, a.publishId]));
    expect(new Set(ids.values()).size).toBe(2);
    for (const a of pending) expect(a.publishId).toBe(ids.get(a.key));
    await rt.stop();
  });

  it('processes accepted events once, in order, and commits state with the inbox in one go', async () => {
    const dbName = `rt-${Math.random()}`;
    const db = openDatabase(dbName);
    const store = createDurableStore(db);
    const events = [1, 2, 3, 4, 5].map((n) => ev(n));
    const fresh = await store.accept(events.map((event) => ({ agentId: 'summer', event })));
    // A redelivery of the same events is recognised.
    expect(await store.accept(events.map((event) => ({ agentId: 'summer', event })))).toEqual([]);

    const rt = createAgentRuntime([summer()], { holdLock: noLock });
    const cb = callbacks();
    // Delivered before start finished: held, then filtered by the load watermark.
    rt.deliver(fresh);
    expect((await rt.start({ dbName, lifeLock: 'x', groupCommit: 2 }, cb.host)).ok).toBe(true);
    await until(() => rt.inspect()[0]!.processed === 5 && cb.actions.length === 5);
    expect(rt.inspect()[0]!.state).toEqual({ sum: 15, seen: [1, 2, 3, 4, 5] });
    expect(cb.actions.map((a) => a.key)).toEqual(events.map((e) => `summer:${e.id}:0`));
    const row = await db.agentState.get('summer');
    expect(row?.processed).toBe(5);
    expect(row?.settledThrough).toBe(fresh[4]!.seq);
    expect(row?.settledAbove).toEqual([]);
    await rt.stop();

    // A second life sees nothing pending and the committed state.
    const rt2 = createAgentRuntime([summer()], { holdLock: noLock });
    expect((await rt2.start({ dbName, lifeLock: 'y' }, callbacks().host)).ok).toBe(true);
    rt2.deliver(fresh); // stale forwards from the first life: below the watermark, ignored
    await new Promise((r) => setTimeout(r, 30));
    expect(rt2.inspect()[0]!.processed).toBe(5);
    expect(rt2.inspect()[0]!.state).toEqual({ sum: 15, seen: [1, 2, 3, 4, 5] });
    await rt2.stop();
  });

  it('actions and emits carry the causing event trace; settled events are reported before their actions when asked', async () => {
    const traced = (n: number): SentioEvent => ({
      ...ev(n),
      trace: { traceId: 'a'.repeat(32), spanId: n.toString(16).padStart(16, '0') },
    });
    const picky = defineAgent<{ ok: number }>({
      id: 'picky',
      subscribe: ['t.>'],
      initialState: { ok: 0 },
      maxAttempts: 1,
      on(event, ctx) {
        const { n } = event.payload as { n: number };
        if (n === 2) throw new RangeError('2 is refused');
        ctx.act('show', n);
        ctx.emit('t.out', n);
      },
    });
    const seen: string[] = [];
    const cb = callbacks();
    cb.host.committed = (a) => {
      seen.push(...a.map((x) => `committed ${x.kind}`));
      cb.actions.push(...a);
    };
    cb.host.settled = (agentId, events) =>
      seen.push(...events.map((e) => `settled ${agentId} ${e.eventId === events[0]!.eventId} ${e.ok}`));
    const rt = createAgentRuntime([picky], { holdLock: noLock });
    await rt.start({ dbName: `tr-${Math.random()}`, lifeLock: 'tr', reportSettled: true }, cb.host);
    const [one, two, three] = [traced(1), traced(2), ev(3)];
    rt.deliver([one, two, three].map((event, i) => ({ agentId: 'picky', seq: i + 1, event })));
    await until(() => rt.inspect()[0]!.processed === 2 && cb.actions.length === 5);
    expect(cb.actions.map((a) => [a.kind, a.eventId, a.trace?.spanId ?? null])).toEqual([
      ['show', one.id, one.trace!.spanId],
      ['emit', one.id, one.trace!.spanId],
      // The dead letter continues the trace of the event it gave up on.
      ['emit', two.id, two.trace!.spanId],
      // An event without a trace causes untraced actions.
      ['show', three.id, null],
      ['emit', three.id, null],
    ]);
    expect(cb.actions[2]!.payload).toMatchObject({ topic: 'agent.picky.deadletter' });
    // Each commit: its settled events first (the second one failed), then its actions.
    expect(seen.filter((x) => x.startsWith('settled'))).toEqual([
      'settled picky true true',
      'settled picky false false',
      'settled picky false true',
    ]);
    expect(seen.indexOf('settled picky true true')).toBeLessThan(seen.indexOf('committed show'));
    await rt.stop();

    // Not asked: no reports (the host does not trace, so they would be messages for nothing).
    const quiet = callbacks();
    let reports = 0;
    quiet.host.settled = () => void reports++;
    const rt2 = createAgentRuntime([picky], { holdLock: noLock });
    await rt2.start({ dbName: `tr2-${Math.random()}`, lifeLock: 'tr2' }, quiet.host);
    rt2.deliver([{ agentId: 'picky', seq: 1, event: traced(1) }]);
    await until(() => quiet.actions.length === 2);
    expect(reports).toBe(0);
    await rt2.stop();
  });

  it('runs an event forwarded twice only once', async () => {
    const dbName = `twice-${Math.random()}`;
    const store = createDurableStore(openDatabase(dbName));
    const rt = createAgentRuntime([summer()], { holdLock: noLock });
    const cb = callbacks();
    await rt.start({ dbName, lifeLock: 't' }, cb.host);
    const fresh = await store.accept([1, 2, 3].map((n) => ({ agentId: 'summer', event: ev(n) })));
    rt.deliver(fresh.slice(0, 2));
    rt.deliver(fresh);
    await until(() => rt.inspect()[0]!.processed === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect(rt.inspect()[0]!.processed).toBe(3);
    expect(rt.inspect()[0]!.state).toEqual({ sum: 6, seen: [1, 2, 3] });
    await rt.stop();
  });

  it('accepts only the fresh events of a batch that mixes redeliveries with new ones', async () => {
    const store = createDurableStore(openDatabase(`acc-${Math.random()}`));
    const [a, b, c, d] = [1, 2, 3, 4].map((n) => ev(n));
    const first = await store.accept([a!, b!].map((event) => ({ agentId: 'x', event })));
    const second = await store.accept([b!, c!, a!, d!, c!].map((event) => ({ agentId: 'x', event })));
    expect(second.map((r) => r.event.id)).toEqual([c!.id, d!.id]);
    expect(second[0]!.seq).toBeGreaterThan(first[1]!.seq);
    expect(second[1]!.seq).toBeGreaterThan(second[0]!.seq);
    // The same event for another agent is a different inbox entry.
    expect(await store.accept([{ agentId: 'y', event: a! }])).toHaveLength(1);
  });

  it('prune keeps only ids of settled inbox rows, still refuses their redelivery, and keeps pending events whole', async () => {
    const db = openDatabase(`prune-${Math.random()}`);
    const store = createDurableStore(db);
    const events = [1, 2, 3, 4, 5, 6].map((n) => ev(n));
    const rows = await store.accept(events.map((event) => ({ agentId: 'x', event })));
    const settledThrough = rows[3]!.seq;
    const batch = {
      agentId: 'x',
      stateVersion: 1,
      state: {},
      window: [],
      lastEventId: events[3]!.id,
      processed: 4,
      settledThrough,
      settledAbove: [],
      expectedCommitId: 0,
      actions: [],
      memories: [],
    };
    await store.commit(batch);
    expect(await store.prune('x', settledThrough, 3)).toBe(1);
    const kept = await db.inbox.where('[agentId+seq]').between(['x', -Infinity], ['x', Infinity]).toArray();
    expect(kept.map((r) => [r.eventId, r.event !== undefined])).toEqual([
      [events[1]!.id, false],
      [events[2]!.id, false],
      [events[3]!.id, false],
      [events[4]!.id, true],
      [events[5]!.id, true],
    ]);
    // A kept settled row still catches a redelivery; the pruned one no longer can (KEEP_DONE is that window).
    const again = await store.accept(events.map((event) => ({ agentId: 'x', event })));
    expect(again.map((r) => r.event.id)).toEqual([events[0]!.id]);
    // The pending rows load whole; a later prune goes on from where this one stopped.
    const { pending } = await store.load('x', {}, 1, undefined);
    expect(pending.map((p) => p.event.id)).toEqual([events[4]!.id, events[5]!.id, events[0]!.id]);
    expect(await store.prune('x', rows[5]!.seq, 10)).toBe(0);
    expect((await db.inbox.toArray()).filter((r) => r.event).map((r) => r.eventId)).toEqual([events[0]!.id]);
  });

  it('forgets performed actions past their retention, never pending ones', async () => {
    const db = openDatabase(`act-${Math.random()}`);
    const store = createDurableStore(db);
    await db.actions.bulkPut([
      { key: 'old-done', agentId: 'a', ts: 10, performed: 1 },
      { key: 'new-done', agentId: 'a', ts: 1000, performed: 1 },
      { key: 'old-pending', agentId: 'a', ts: 10, performed: 0, kind: 'k', eventId: 'e' },
    ]);
    expect(await store.prunePerformed(500)).toBe(1);
    expect((await db.actions.toCollection().primaryKeys()).sort()).toEqual(['new-done', 'old-pending']);
    expect((await store.pendingActions()).map((a) => a.key)).toEqual(['old-pending']);
  });

  it('refuses a commit from a writer that did not see the last commit (two hosts)', async () => {
    const db = openDatabase(`own-${Math.random()}`);
    const store = createDurableStore(db);
    const [e] = await store.accept([{ agentId: 'a', event: ev(1) }]);
    const commit = () =>
      store.commit({
        agentId: 'a',
        stateVersion: 1,
        state: {},
        window: [],
        lastEventId: e!.event.id,
        processed: 1,
        settledThrough: e!.seq,
        settledAbove: [],
        expectedCommitId: 0,
        actions: [],
        memories: [],
      });
    await commit();
    await expect(commit()).rejects.toBeInstanceOf(OwnershipError);
  });

  it('disables only the agent whose stored state cannot be loaded', async () => {
    const dbName = `mig-${Math.random()}`;
    const db = openDatabase(dbName);
    await db.agentState.put({
      agentId: 'summer',
      stateVersion: 3,
      state: {},
      lastEventId: '',
      processed: 0,
      updatedAt: 0,
    });
    const other = defineAgent({ id: 'other', subscribe: ['o'], initialState: 0, on() {} });
    const rt = createAgentRuntime([summer(), other], { holdLock: noLock });
    expect((await rt.start({ dbName, lifeLock: 'z' }, callbacks().host)).ok).toBe(true);
    const [s, o] = rt.inspect();
    expect(s!.status).toBe('error');
    expect(s!.lastError!.name).toBe('StateMigrationError');
    expect(s!.lastError!.message).toContain('version 3, newer than');
    expect(o!.status).toBe('idle');
  });

  it('reports a start failure as data with the error class name', async () => {
    const rt = createAgentRuntime([summer()], {
      holdLock: () => Promise.reject(new TypeError('locks unavailable')),
    });
    const r = await rt.start({ dbName: `f-${Math.random()}`, lifeLock: 'f' }, callbacks().host);
    expect(r).toMatchObject({ ok: false, error: { name: 'TypeError', message: 'locks unavailable' } });
  });

  it('refuses two agents with one id and deliveries to an unknown agent', async () => {
    expect(() => createAgentRuntime([summer(), summer()])).toThrow(/two agents have the id "summer"/);
    const rt = createAgentRuntime([summer()], { holdLock: noLock });
    await rt.start({ dbName: `u-${Math.random()}`, lifeLock: 'u' }, callbacks().host);
    expect(() => rt.deliver([{ agentId: 'ghost', seq: 1e9, event: ev(1) }])).toThrow(/no agent "ghost"/);
  });
});
