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

serveAgents([greeter]);
