// Agent worker for bench/agents: no-op and counting agents, in memory and durable.
import * as Comlink from 'comlink';
import { defineAgent } from '../src/agents/define';
import { createAgentRuntime } from '../src/agents/runtime';
import { policies } from '../src/bus/policy';

const agents = [
  // Same backlog policy as the raw-bus baseline's subscriber, so both sides queue the same way.
  defineAgent({
    id: 'noop-mem',
    subscribe: [{ pattern: 'bench.mem.>', policy: policies.dropOldest(1 << 20) }],
    initialState: null,
    durable: false,
    on() {},
  }),
  defineAgent<{ n: number }>({
    id: 'count-mem',
    subscribe: ['bench.cmem.>'],
    initialState: { n: 0 },
    durable: false,
    on(_e, ctx) {
      ctx.state.n++;
    },
  }),
  defineAgent<{ n: number }>({
    id: 'count-durable',
    subscribe: ['bench.cdur.>'],
    initialState: { n: 0 },
    on(_e, ctx) {
      ctx.state.n++;
    },
  }),
];

Comlink.expose(createAgentRuntime(agents, { lifeLock: self.name }));
