// A page that uses Sentio only through its front door (src/index.ts), as an npm consumer would: no app.
import * as sentio from '../../src/index';

declare global {
  interface Window {
    frontDoor: typeof sentio & { agentWorker: (name: string) => Worker };
  }
}

window.frontDoor = {
  ...sentio,
  // Built by Vite like a consumer's agent worker module.
  agentWorker: (name) =>
    new Worker(new URL('./front-door-agents.worker.ts', import.meta.url), { type: 'module', name }),
};
document.getElementById('status')!.textContent = 'ready';
