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
export {
  requestAgentsView,
  type AgentsRuntime,
  type AgentsView,
  type AgentView,
  type AgentsStatus,
  type LastAction,
} from './runtime/agents';
export { actionPublishOptions } from './agents/action-publish';
export type { PlaybookState } from './agents/playbook';

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
export type {
  BatchHandler,
  Bus,
  Handler,
  PublishOptions,
  SubscribeBatchOptions,
  SubscribeOptions,
  Subscription,
} from './bus/types';
export type { ConnectedBus } from './bus/hub-client';
export type { PerceptionEvents } from './inference/pipelines/events';
export type { HubStats, HubSubscriptionStats } from './bus/protocol';
export { policies, type BackpressurePolicy } from './bus/policy';
export { isTopic, assertPattern, patternMatches, TopicError } from './events/topic';
export { eventFromJson, eventsToJsonl } from './events/codec-json';

// Perception
export type { PerceptionHandle, PerceptionStats, PerceptionUpdate } from './runtime/perception';
export {
  initialPerceptionState,
  reducePerception,
  modelTotals,
  describeSensor,
  describeTask,
  describeModel,
  type PerceptionState,
  type PerceptionAction,
  type SensorStatus,
  type TaskStatus,
  type Message as PerceptionMessage,
} from './runtime/perception-state';
export type { Expression } from './inference/tasks/expression';
export type { Side } from './inference/tasks/gestures';
export { SILENCE_DBFS, type AudioLevel } from './sensors/level-meter';

// Inference
export type { InferResult } from './inference/types';
export { TASKS, parseManifest, type Task, type ModelEntry, type Manifest } from './inference/manifest';
export {
  MODEL_CACHE,
  createModelStore,
  type ModelStore,
  type ModelStoreOptions,
  type CacheStorageLike,
} from './inference/model-store';
export type { AddCommon } from './inference/generation/library';
export type { InferenceClient, ClientInferOptions } from './inference/client';
export type { PerceiveInit } from './inference/perception-protocol';
export type { LoadProgress } from './inference/model-store';

// Router and privacy
export type { Routing, RoutingView } from './runtime/routing';
export {
  BudgetSettingsSchema,
  PrivacyDefaultsSchema,
  parseWith,
  parseEndpoint,
  isDevelopment,
  type RouterSettings,
  type EndpointSettings,
  type FieldProblem,
  type Parsed,
} from './runtime/router-settings';
export {
  DecisionLog,
  describeCost,
  percent,
  toDecisionRecord,
  type DecisionRecord,
  type DecisionSummary,
} from './router/decision-stats';
export { DEFAULT_PRIVACY, type PrivacyDefaults } from './privacy/defaults';
export {
  DECLASSIFY_STEPS,
  DeclassifyDeniedError,
  publishedLabel,
  type DeclassifyStep,
} from './privacy/labels';
export {
  consentId,
  noConsentMessage,
  readNoConsent,
  type ConsentKey,
  type ConsentStore,
} from './privacy/consent';
export type { AuditLog, AuditEntry } from './privacy/audit-log';
export { createEgressGate, fetchSameOrigin, type EgressGate } from './privacy/egress-gate';

// Telemetry
export { StageTracer, type StageBeginner, type StageRecord } from './telemetry/stage-tracer';
export type { AdoptableIds } from './telemetry/adoptable-ids';
export { StageMetrics, WindowedStageMetrics, STAGES, type Stage } from './telemetry/stage-metrics';
export type { Percentiles } from './telemetry/histogram';
export { localTracer } from './telemetry/local-tracer';
export {
  createOtlpTracing,
  type OtlpTracing,
  type OtlpTracingOptions,
  type ExportStats,
} from './telemetry/otlp';
export { TELEMETRY_CAPABILITY, telemetryConsentKey } from './telemetry/gate-transport';

// This device: what the browser offers, time, the database, XR
export { probeCapabilities, type Capabilities, type WebGpuProbe } from './platform/capabilities';
export { systemClock, type Clock } from './platform/clock';
export type { SentioDb } from './storage/db';
export { probeXr, type XrSystemLike, type XrSessionHandle, type XrSupport } from './sensors/xr';
export { startImmersiveSession, XrStartError } from './sensors/xr-session';
export type { XrMode } from './sensors/xr-events';

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
