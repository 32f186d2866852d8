// Dedicated-worker entry of the agent runtime: serves the app's agents over comlink. The page's agent host
// (src/agents/host.ts) spawns it (naming it after its life lock), supervises it and feeds it events.
import * as Comlink from 'comlink';
import { createAgentRuntime } from '../src/agents/runtime';
import { appAgents } from '../src/app/demos/agents/app-agents';

Comlink.expose(createAgentRuntime(appAgents(), { lifeLock: self.name }));
