// Agent worker for the e2e tests, state version 1 of the "profile" agent.
import * as Comlink from 'comlink';
import { createAgentRuntime } from '../../src/agents/runtime';
import { testAgents } from './test-agents';

Comlink.expose(createAgentRuntime(testAgents('v1'), { lifeLock: self.name }));
