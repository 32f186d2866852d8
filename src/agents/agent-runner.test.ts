// The runner on its own in Node, over fake-indexeddb: what it does when a commit is refused, and the label
// its inference calls carry. The quota case in a real browser (CDP quota override) is in e2e/agents.spec.ts.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Privacy, SentioEvent } from '../events/event';
import { createIdGenerator } from '../events/id';
import { openDatabase } from '../storage/db';
import { AgentRunner } from './agent-runner';
import { systemClock } from '../platform/clock';
import { defineAgent } from './define';
import { createDurableStore, freshAgent, type DurableStore } from './durable-store';
import type { EpisodicMemory } from './memory/episodic-memory';
import type { HostCallbacks } from './protocol';
import type { AgentAction } from './types';

const ids = createIdGenerator();
const ev = (n: number, privacy: Privacy = 'private'): SentioEvent =>
  ({
    id: ids.next(),
    topic: 't.n',
    type: 't.n',
    ts: Date.now(),
    source: 's',
    privacy,
    qos: 'batched',
    payload: { n },
  }) as SentioEvent;

const until = async (f: () => boolean) => {
  for (let i = 0; i < 1000 && !f(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(f()).toBe(true);
};

function host(infers: unknown[] = []) {
  const actions: AgentAction[] = [];
  const logs: string[] = [];
  const h: HostCallbacks = {
    committed: (a) => void actions.push(...a),
    failed: () => {},
    infer: async (_agent, _task, _input, options) => void infers.push(options),
    log: (_agent, message) => void logs.push(message),
  };
  return { h, actions, logs };
}

const noMemory = () => ({}) as EpisodicMemory;

describe('AgentRunner', () => {
  it('retries a commit refused for lack of space until it goes through, losing nothing', async () => {
    const db = openDatabase(`runner-${Math.random()}`);
    const real = createDurableStore(db);
    let refusals = 3;
    const store: DurableStore = {
      ...real,
      commit: (batch) => {
        if (refusals-- > 0) return Promise.reject(new DOMException('the disk is full', 'QuotaExceededError'));
        return real.commit(batch);
      },
    };
    const def = defineAgent<{ sum: number }>({
      id: 'summer',
      subscribe: ['t.>'],
      initialState: { sum: 0 },
      on(event, ctx) {
        ctx.state.sum += (event.payload as { n: number }).n;
        ctx.act('add', null);
      },
    });
    const events = [1, 2, 3].map((n) => ev(n));
    const entries = await real.accept(events.map((event) => ({ agentId: 'summer', event })));
    const { h, actions, logs } = host();
    const runner = new AgentRunner(def, freshAgent(def.initialState, 1), 0, {
      store,
      memory: noMemory,
      host: h,
      clock: systemClock,
      groupCommit: 8,
    });
    runner.enqueue(entries, true);
    await until(() => runner.snapshot().status === 'error');
    expect(runner.snapshot().lastError?.name).toBe('QuotaExceededError');
    await until(() => actions.length === 3);
    expect(runner.snapshot()).toMatchObject({ status: 'idle', processed: 3, state: { sum: 6 } });
    expect((await db.agentState.get('summer'))?.processed).toBe(3);
    expect(logs).toContain('commit went through after 4 attempts');
    // Later events still run.
    runner.enqueue(await real.accept([{ agentId: 'summer', event: ev(4) }]));
    await until(() => actions.length === 4);
    await runner.stop();
  });

  it('stops on a commit error that is not about space', async () => {
    const db = openDatabase(`runner-${Math.random()}`);
    const real = createDurableStore(db);
    const store: DurableStore = { ...real, commit: () => Promise.reject(new TypeError('broken')) };
    const def = defineAgent({ id: 'a', subscribe: ['t.>'], initialState: {}, on() {} });
    const entries = await real.accept([{ agentId: 'a', event: ev(1) }]);
    const { h } = host();
    const runner = new AgentRunner(def, freshAgent({}, 1), 0, {
      store,
      memory: noMemory,
      host: h,
      clock: systemClock,
      groupCommit: 1,
    });
    runner.enqueue(entries, true);
    await until(() => runner.snapshot().status === 'error');
    runner.enqueue(await real.accept([{ agentId: 'a', event: ev(2) }]));
    expect(runner.snapshot().processed).toBe(1);
    expect(runner.snapshot().mailboxDepth).toBe(1);
  });

  it("ctx.infer without a label carries its cause's label; an explicit label is kept", async () => {
    const def = defineAgent({
      id: 'asker',
      subscribe: ['t.>'],
      initialState: {},
      durable: false,
      async on(event, ctx) {
        await ctx.infer('chat', 'hi');
        if ((event.payload as { n: number }).n === 2) await ctx.infer('chat', 'hi', { privacy: 'public' });
      },
    });
    const infers: unknown[] = [];
    const { h } = host(infers);
    const runner = new AgentRunner(def, freshAgent({}, 1), 0, {
      store: null,
      memory: noMemory,
      host: h,
      clock: systemClock,
      groupCommit: 1,
    });
    runner.enqueue([
      { seq: 1, event: ev(1, 'local') },
      { seq: 2, event: ev(2, 'public') },
    ]);
    await until(() => infers.length === 3);
    expect(infers).toEqual([{ privacy: 'local' }, { privacy: 'public' }, { privacy: 'public' }]);
  });
});
