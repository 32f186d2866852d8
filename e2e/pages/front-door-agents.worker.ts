// A consumer's agent worker: one agent defined with defineAgent, served with serveAgents — the front door only.
import { defineAgent, serveAgents } from '../../src/index';

const greeter = defineAgent<{ seen: number }>({
  id: 'front-door-greeter',
  subscribe: ['front.hello'],
  initialState: { seen: 0 },
  durable: false,
  on(event, ctx) {
    ctx.state.seen += 1;
    ctx.emit('front.greeted', { to: (event.payload as { name: string }).name, seen: ctx.state.seen });
  },
});

/** Durable: its state is committed to the runtime's database (the test looks for it there). */
const keeper = defineAgent<{ hellos: number }>({
  id: 'front-door-keeper',
  subscribe: ['front.hello'],
  initialState: { hellos: 0 },
  on(_event, ctx) {
    ctx.state.hellos += 1;
  },
});

serveAgents([greeter, keeper]);
