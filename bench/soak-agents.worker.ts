// The soak bench's durable agent: counts faces and transcripts, its state committed to IndexedDB per event
// (exactly once), served through the front door like any consumer's agent worker.
import { defineAgent, serveAgents } from '../src/index';

const counter = defineAgent<{ faces: number; transcripts: number }>({
  id: 'soak-counter',
  subscribe: ['vision.face', 'audio.transcript'],
  initialState: { faces: 0, transcripts: 0 },
  durable: true,
  on(event, ctx) {
    if (event.topic === 'vision.face') ctx.state.faces += 1;
    else ctx.state.transcripts += 1;
  },
});

serveAgents([counter]);
