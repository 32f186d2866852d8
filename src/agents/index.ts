// The agent runtime's public API.
export { defineAgent, type ResolvedAgent } from './define';
export { definePlaybook, type Playbook, type Rule, type Condition, type PlaybookAction } from './playbook';
export {
  createAgentHost,
  type AgentHost,
  type AgentHostOptions,
  type Actuator,
  type HostSnapshot,
} from './host';
export { createAgentRuntime } from './runtime';
export { createInferenceScheduler, type InferenceScheduler } from './scheduler';
export { createUseLiteProvider } from './memory/use-lite-provider';
export type { EmbeddingProvider } from './memory/embedding-provider';
export { deadLetterTopic, errorTopic } from './protocol';
export * from './errors';
export type * from './types';
