// Sentio's front door: the only module consumers (the app, the embed, npm projects) import.
// Everything here is documented; what is not exported here is internal and may change.

export {
  createSentio,
  serveAgents,
  type Sentio,
  type SentioOptions,
  type SentioInfer,
  type SentioInferOptions,
  type EmbeddingResult,
  type SentioAgents,
  type SentioPerception,
  type PerceptionStartOptions,
  type StartAgentsOptions,
} from './runtime/sentio';
export type { LocalGeneration, GenerationOptions } from './runtime/local-generation';
export type { LocalModel } from './inference/generation/library';
export type {
  GenerationInput,
  GenerationResult,
  LoadedModelInfo,
  ChatTurn,
} from './inference/generation/types';
export type { SentioPlugins, SentioPluginsOptions } from './runtime/plugins';
export type { TrustedKey } from './plugins/signature';
export type { PluginPackage, RunningPlugin, PluginHostStats } from './plugins/plugin-host';
export type { GrantRequest } from './plugins/grants';
export { SentioOptionsError, UnknownTaskError, SentioClosedError } from './runtime/errors';
/** How an error that crossed a thread is described (an agent's last error, a model cache failure). */
export type { ErrorData } from './platform/error-data';
export { TASK_ALIASES, resolveTask, type SentioTask, type TaskName } from './runtime/tasks';

// Agents
export { defineAgent, type ResolvedAgent } from './agents/define';
export {
  definePlaybook,
  type Playbook,
  type Rule,
  type Condition,
  type PlaybookAction,
} from './agents/playbook';
export type { Actuator } from './agents/host';
export type { AgentDefinition, AgentContext, AgentAction, AgentSnapshot, InferFn } from './agents/types';
export type { AgentsRuntime, AgentsView, AgentView, AgentsStatus, LastAction } from './runtime/agents';

// Events and the bus
export type { SentioEvent, Privacy, Qos, TraceContext, EventId } from './events/event';
export {
  BusClosedError,
  HandlerRetryError,
  RequestTimeoutError,
  type EventMap,
  type BusStats,
  type RequestOptions,
} from './bus/types';
export type { Bus, Handler, PublishOptions, SubscribeOptions, Subscription } from './bus/types';
export type { ConnectedBus } from './bus/hub-client';
export type { PerceptionEvents } from './inference/pipelines/events';

// Perception
export type { PerceptionHandle, PerceptionStats, PerceptionUpdate } from './runtime/perception';
export type { PerceptionState } from './runtime/perception-state';

// Inference
export type { InferResult } from './inference/types';
export type { Task } from './inference/manifest';
export type { InferenceClient, ClientInferOptions } from './inference/client';
export type { LoadProgress } from './inference/model-store';

// Router and privacy
export type { Routing, RoutingView } from './runtime/routing';
export type { RouterSettings } from './runtime/router-settings';
export { DEFAULT_PRIVACY, type PrivacyDefaults } from './privacy/defaults';
export { DECLASSIFY_STEPS, DeclassifyDeniedError, type DeclassifyStep } from './privacy/labels';
export type { ConsentStore } from './privacy/consent';
export type { AuditLog } from './privacy/audit-log';

// Telemetry
export type { StageTracer } from './telemetry/stage-tracer';

// Devices (the bus shared over NATS)
export type { BridgeApi, BridgeHandle } from './bridge/client';
export type {
  BridgeOptions,
  BridgeState,
  BridgeStateName,
  BridgeStats,
  Credentials,
  PeerStats,
} from './bridge/types';
export { BridgeConfigError, InsecureServerError } from './bridge/subjects';
