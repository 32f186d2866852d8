// A page that uses Sentio only through its front door (src/index.ts), as an npm consumer would: no app.
import * as sentio from '../../src/index';

declare global {
  interface Window {
    frontDoor: typeof sentio & { agentWorker: string };
  }
}

window.frontDoor = {
  ...sentio,
  // Built by Vite like a consumer's agent worker module.
  agentWorker: new URL('./front-door-agents.worker.ts', import.meta.url).href,
};
document.getElementById('status')!.textContent = 'ready';
