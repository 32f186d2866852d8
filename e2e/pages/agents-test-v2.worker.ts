// Agent worker for the e2e tests, state version 2 of the "profile" agent (migrates v1 on load).
import * as Comlink from 'comlink';
import { createAgentRuntime } from '../../src/agents/runtime';
import { testAgents } from './test-agents';

Comlink.expose(createAgentRuntime(testAgents('v2'), { lifeLock: self.name }));
