// Agents for the agent-stage tracing test (e2e/telemetry.spec.ts): real agents in a real agent worker.
import { defineAgent } from '../../src/agents/define';
import type { ResolvedAgent } from '../../src/agents/define';

export const traceAgents = (): ResolvedAgent[] => [
  // Durable (inbox in IndexedDB): acts, emits, and gives up on a poison event at once.
  defineAgent<{ seen: number }>({
    id: 'greeter',
    subscribe: ['test.trace.face'],
    initialState: { seen: 0 },
    maxAttempts: 1,
    on(event, ctx) {
      const { n, poison } = event.payload as { n: number; poison?: boolean };
      if (poison) throw new RangeError(`frame ${n} is poison`);
      ctx.state.seen++;
      ctx.act('show', { n });
      ctx.emit('test.trace.greeting', { n });
    },
  }),
  // In memory (the host forwards without an inbox), on what the greeter emits: a second agent in the chain.
  defineAgent<{ seen: number }>({
    id: 'echo',
    subscribe: ['test.trace.greeting'],
    initialState: { seen: 0 },
    durable: false,
    on(event, ctx) {
      ctx.state.seen++;
      ctx.act('show', { n: (event.payload as { n: number }).n });
    },
  }),
];
