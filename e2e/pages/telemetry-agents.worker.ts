// Agent worker of the agent-stage tracing test.
import * as Comlink from 'comlink';
import { createAgentRuntime } from '../../src/agents/runtime';
import { traceAgents } from './telemetry-agents';

Comlink.expose(createAgentRuntime(traceAgents(), { lifeLock: self.name }));
