// Agents used by e2e/agents.spec.ts. Real agents, real handlers: only their jobs are small.
import { defineAgent } from '../../src/agents/define';
import { definePlaybook } from '../../src/agents/playbook';
import type { ResolvedAgent } from '../../src/agents/define';

export interface CounterState {
  count: number;
  sum: number;
  /** Order-sensitive fold: a replayed or skipped event changes it. */
  hash: number;
}

/** The fold the counter agent computes, for the crash-free expectation. */
export function counterStep(s: CounterState, n: number): CounterState {
  return { count: s.count + 1, sum: s.sum + n, hash: (Math.imul(s.hash, 31) + n + 1) >>> 0 };
}

/** Keys of the actions the counter agent asks for on event `id` with value `n`. */
export function counterActionKeys(id: string, n: number): string[] {
  return n % 7 === 0 ? [`counter:${id}:0`, `counter:${id}:1`] : [`counter:${id}:0`];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function testAgents(variant: string): ResolvedAgent[] {
  const counter = defineAgent<CounterState>({
    id: 'counter',
    subscribe: ['test.crash.>'],
    initialState: { count: 0, sum: 0, hash: 0 },
    async on(event, ctx) {
      const { n, work } = event.payload as { n: number; work?: number };
      if (work) await delay(work);
      ctx.state = counterStep(ctx.state, n);
      ctx.act('count', { n });
      if (n % 7 === 0) ctx.act('count', { n, seventh: true });
    },
  });

  const profile =
    variant === 'v2'
      ? defineAgent<{ visits: number; topics: string[] }>({
          id: 'profile',
          subscribe: ['test.profile.>'],
          stateVersion: 2,
          initialState: { visits: 0, topics: [] },
          migrate(old, from) {
            if (from !== 1) throw new Error(`cannot migrate from ${from}`);
            return { visits: (old as { visits: number }).visits, topics: ['migrated'] };
          },
          on(event, ctx) {
            ctx.state.visits++;
            ctx.state.topics.push(event.topic);
          },
        })
      : defineAgent<{ visits: number }>({
          id: 'profile',
          subscribe: ['test.profile.>'],
          stateVersion: 1,
          initialState: { visits: 0 },
          on(_event, ctx) {
            ctx.state.visits++;
          },
        });

  const flaky = defineAgent<{ ok: number }>({
    id: 'flaky',
    subscribe: ['test.flaky.>'],
    initialState: { ok: 0 },
    timeoutMs: 200,
    maxAttempts: 3,
    retry: { baseMs: 20, maxMs: 100 },
    async on(event, ctx) {
      const p = event.payload as { fail?: boolean; hang?: boolean };
      if (p.fail) throw new RangeError('this event is poison');
      if (p.hang) await new Promise(() => {});
      ctx.state.ok++;
      ctx.act('flaky-ok', null);
    },
  });

  const steady = defineAgent<{ seen: number }>({
    id: 'steady',
    subscribe: ['test.flaky.>'],
    initialState: { seen: 0 },
    on(_event, ctx) {
      ctx.state.seen++;
    },
  });

  const ordered = defineAgent<{ order: string[] }>({
    id: 'ordered',
    subscribe: ['test.order.>'],
    initialState: { order: [] },
    async on(event, ctx) {
      const p = event.payload as { name: string; work?: number };
      await delay(p.work ?? 5);
      ctx.state.order.push(p.name);
    },
  });

  const thinkers = ['a', 'b', 'c'].map((x) =>
    defineAgent<{ answers: number }>({
      id: `thinker-${x}`,
      subscribe: ['test.think.>'],
      initialState: { answers: 0 },
      async on(event, ctx) {
        const p = event.payload as { calls: number; priority?: 'system' | 'normal' };
        await Promise.all(
          Array.from({ length: p.calls }, () =>
            ctx.infer('test.echo', { from: ctx.agentId }, { priority: p.priority ?? 'normal' }),
          ),
        );
        ctx.state.answers += p.calls;
      },
    }),
  );

  const memo = defineAgent<{ recalled: { text: string; score: number }[] }>({
    id: 'memo',
    subscribe: ['test.memory.>'],
    initialState: { recalled: [] },
    timeoutMs: 60_000,
    async on(event, ctx) {
      const p = event.payload as {
        text?: string;
        query?: string;
        ttlMs?: number;
        pinned?: boolean;
        k?: number;
      };
      if (event.topic === 'test.memory.remember') {
        await ctx.memory.remember(p.text!, {
          ...(p.ttlMs !== undefined ? { ttlMs: p.ttlMs } : {}),
          pinned: p.pinned ?? false,
        });
      } else {
        const found = await ctx.memory.recall(p.query!, p.k ?? 3);
        ctx.state.recalled = found.map((r) => ({ text: r.text, score: r.score }));
      }
    },
  });

  const alarms = definePlaybook({
    id: 'alarms',
    rules: [
      {
        id: 'hot',
        when: 'test.sensor.*.temperature',
        if: { path: 'payload.celsius', op: '>', value: 30 },
        then: [{ act: 'alert', payload: { level: 'hot', celsius: { $from: 'payload.celsius' } } }],
      },
    ],
  });

  return [counter, profile, flaky, steady, ordered, ...thinkers, memo, alarms];
}
