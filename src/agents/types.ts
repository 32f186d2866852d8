// The public shape of an agent: what `defineAgent` takes and what its handler sees.
import type { Privacy, Qos, SentioEvent, TraceContext } from '../events/event';
import type { BackpressurePolicy } from '../bus/policy';
import type { ErrorData } from '../platform/error-data';

/** Priority classes of the inference scheduler, most urgent first. */
export type InferPriority = 'system' | 'resource' | 'error' | 'normal';
export const INFER_PRIORITIES: readonly InferPriority[] = ['system', 'resource', 'error', 'normal'];

export interface InferOptions {
  priority?: InferPriority;
  /** Passed through to the router / inference engine untouched. */
  [key: string]: unknown;
}

/** What the runtime calls for `ctx.infer`: the router once it exists, a local engine until then. */
export type InferFn = (task: string, input: unknown, options?: InferOptions) => Promise<unknown>;

/** One entry of the short-term context window. */
export interface WindowEntry {
  id: string;
  topic: string;
  ts: number;
  payload: unknown;
}

export interface ContextWindowView {
  /** Oldest first, the current event last. */
  entries(): readonly WindowEntry[];
  /** Entries whose topic matches the pattern (NATS wildcards). */
  onTopic(pattern: string): readonly WindowEntry[];
}

export interface RememberOptions {
  /** 0…1; the least important unpinned episodes go first when an agent holds more than its limit. */
  importance?: number;
  pinned?: boolean;
  /** Time to live; unpinned episodes older than this are evicted. Default: the agent's memory.ttlMs. */
  ttlMs?: number;
  data?: unknown;
}

export interface Recollection {
  id: string;
  text: string;
  score: number;
  importance: number;
  pinned: boolean;
  createdAt: number;
  data?: unknown;
}

export interface MemoryView {
  /** Stores an episode; it becomes durable with the event's commit (replays do not duplicate it). */
  remember(text: string, options?: RememberOptions): Promise<string>;
  /** The k episodes nearest in meaning to `query` (cosine over the embedding model's vectors). */
  recall(query: string, k?: number): Promise<Recollection[]>;
}

/** An effect the agent wants. Performed after the event's commit, once, under its idempotency key. */
export interface AgentAction {
  /** `${agentId}:${eventId}:${index}` (actionKey in agent-runner.ts): stable across replays, unique across agents. */
  key: string;
  agentId: string;
  eventId: string;
  kind: string;
  payload: unknown;
  /**
   * The label of the event that caused it: what an agent derives keeps its input's label (DESIGN: labels
   * propagate), so an emit is published with it and an actuator may not publish below it. Stored with the
   * action: a re-dispatched action keeps its label. Absent only on rows written before labels were stored,
   * which are then treated as `local`, the strictest.
   */
  privacy?: Privacy;
  /**
   * The id of the event this action publishes, made once when it is staged and stored with it: a re-dispatch
   * after a crash (performed, not yet marked so) publishes the same event again, which subscribers that
   * dedupe by id (a durable agent's inbox) apply once. Absent on rows from before it was stored.
   */
  publishId?: string;
  /**
   * The trace of the event that caused it (the host's agent span, when the host traces), so the action and
   * what an emit publishes continue that event's trace. Not stored in the outbox: a re-dispatched action is
   * performed untraced.
   */
  trace?: TraceContext;
}

export interface AgentContext<S> {
  readonly agentId: string;
  /** A private copy: mutate it or assign a new one; it is committed only if the handler succeeds. */
  state: S;
  readonly window: ContextWindowView;
  readonly memory: MemoryView;
  /** Which attempt this is (1 on first delivery, more on retries after failure). */
  readonly attempt: number;
  infer(task: string, input: unknown, options?: InferOptions): Promise<unknown>;
  /** Asks for an effect (performed by the host's actuator for `kind` after commit). */
  act(kind: string, payload?: unknown): void;
  /** Publishes an event on the bus after commit. */
  emit(topic: string, payload: unknown): void;
  log(message: string, data?: unknown): void;
}

export interface AgentSubscription {
  pattern: string;
  qos?: Qos;
  policy?: BackpressurePolicy;
}

export interface AgentDefinition<S = unknown> {
  id: string;
  subscribe: readonly (string | AgentSubscription)[];
  initialState: S;
  /** Bump when the state's shape changes; `migrate` lifts older states. Default 1. */
  stateVersion?: number;
  migrate?: (state: unknown, fromVersion: number) => S;
  on(event: SentioEvent, ctx: AgentContext<S>): void | Promise<void>;
  /** Per-handler-call limit; past it the attempt fails with a HandlerTimeoutError. Default 10 s. */
  timeoutMs?: number;
  /** Attempts before an event is dead-lettered. Default 3. */
  maxAttempts?: number;
  /** Backoff before retry n is baseMs × 2^(n−1), capped at maxMs. */
  retry?: { baseMs: number; maxMs: number };
  /** Short-term window bounds. */
  window?: { maxCount: number; maxAgeMs: number };
  memory?: { ttlMs: number; maxEpisodes: number };
  /** Whether state is committed to IndexedDB (default) or kept in memory only (for throwaway agents). */
  durable?: boolean;
}

export type AgentStatus = 'starting' | 'idle' | 'busy' | 'backoff' | 'stopped' | 'error';

export interface AgentSnapshot {
  id: string;
  status: AgentStatus;
  state: unknown;
  stateVersion: number;
  mailboxDepth: number;
  /** Pushed out of a full mailbox (in-memory agents only; durable agents never drop). */
  dropped: number;
  processed: number;
  failed: number;
  deadLettered: number;
  timedOut: number;
  lastError: ErrorData | null;
  lastEventId: string;
}
