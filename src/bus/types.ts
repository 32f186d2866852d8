// The bus as every part of Sentio sees it. The same interface is served in-thread (createLocalBus) and
// across threads through the hub (connectBus): callers never care which they hold.
import type { EventId, Privacy, Qos, SentioEvent, TraceContext } from '../events/event';
import type { BackpressurePolicy, DropReason } from './policy';

/** Maps statically known topics to their payload types, e.g. `{ 'audio.level': { rms: number } }`. */
export type EventMap = Record<string, unknown>;

export interface PublishOptions {
  /**
   * A UUIDv7 the event must carry instead of a fresh one: something published again after a crash (an
   * agent's committed emit) keeps its first id, so subscribers that dedupe by id (a durable inbox) see it once.
   */
  id?: string;
  /** Defaults to the topic. */
  type?: string;
  /** When it happened; defaults to now. */
  ts?: number;
  /** Defaults to 'private'. Raw camera/microphone data must be 'local'. */
  privacy?: Privacy;
  /** Defaults to 'batched'. */
  qos?: Qos;
  priority?: number;
  trace?: TraceContext;
  meta?: Record<string, string>;
  confidence?: number;
  tags?: string[];
  /**
   * Objects to transfer rather than copy (VideoFrame, ArrayBuffer…). Events with transferables travel only
   * on direct lanes (a SharedWorker hub cannot take a VideoFrame): subscribe to such topics with `lane: true`.
   */
  transfer?: Transferable[];
}

export interface SubscribeOptions {
  /** What to do when this subscriber falls behind. Defaults by `qos`: see defaultPolicy. */
  policy?: BackpressurePolicy;
  /** The QoS class this subscriber wants; picks the default policy. Defaults to 'batched'. */
  qos?: Qos;
  /** How many events may be in flight to this subscriber before the sender queues by policy. Default 64. */
  credits?: number;
  /**
   * A durable name: the subscription outlives its thread. With a `persist` policy, events published while
   * no thread holds it are kept and delivered when one subscribes under the same name, and events delivered
   * but not yet handled when its thread died are delivered again.
   */
  durable?: string;
  /** Ask the hub for a direct MessageChannel from each publisher: lower latency, and media can be transferred. */
  lane?: boolean;
}

export type Handler<P = unknown> = (event: SentioEvent<P>) => void | Promise<void>;

/**
 * Takes the events that waited for it, oldest first, in one call. They are handled together: a promise holds
 * the next batch back until it settles, and a {@link HandlerRetryError} delivers the same batch again.
 */
export type BatchHandler<P = unknown> = (events: readonly SentioEvent<P>[]) => void | Promise<void>;

export interface SubscribeBatchOptions extends SubscribeOptions {
  /** The most events one handler call takes. Default 256. */
  maxBatch?: number;
}

export interface SubscriptionStats {
  pattern: string;
  policy: BackpressurePolicy;
  delivered: number;
  /** Waiting to be handled, wherever they wait (this thread, the hub, IndexedDB). */
  backlog: number;
  dropped: Partial<Record<DropReason, number>>;
  /** Handler errors (the handler threw or its promise rejected); the subscription goes on. */
  errors: number;
  /** Events delivered again because their handler threw {@link HandlerRetryError} (not counted as errors). */
  redelivered: number;
}

export interface Subscription {
  readonly id: string;
  readonly pattern: string;
  /** Resolves once the subscription is active everywhere (the hub has it); rejects with the hub's reason. */
  readonly ready: Promise<void>;
  stats(): SubscriptionStats;
  unsubscribe(): void;
}

export interface RequestOptions extends PublishOptions {
  timeoutMs?: number;
}

export interface BusStats {
  published: number;
  delivered: number;
  /** Events refused at this bus's boundary, with the last few errors. */
  rejected: number;
  lastErrors: string[];
  subscriptions: SubscriptionStats[];
  /** Events per second per topic, over the last few seconds. */
  topicRates: Record<string, number>;
  /** publish → handler-start latency, in ms. */
  latency: { p50: number; p90: number; p99: number; max: number; count: number };
}

type TopicOf<M extends EventMap> = Extract<keyof M, string>;

export interface Bus<M extends EventMap = EventMap> {
  /** Who publishes: becomes `source` of events published through this bus. */
  readonly name: string;
  publish<T extends TopicOf<M>>(topic: T, payload: M[T], options?: PublishOptions): SentioEvent<M[T]>;
  /** Publishes an already-formed event (replay, bridges, plugins); it is validated first. */
  publishEvent(event: SentioEvent): void;
  subscribe<T extends TopicOf<M>>(
    pattern: T,
    handler: Handler<M[T]>,
    options?: SubscribeOptions,
  ): Subscription;
  subscribe(pattern: string, handler: Handler, options?: SubscribeOptions): Subscription;
  /**
   * Like `subscribe`, but the handler takes every event that waited while it was busy (up to `maxBatch`) in one
   * call: for handlers whose cost is per call, such as a storage write. An idle handler gets each event at once.
   */
  subscribeBatch<T extends TopicOf<M>>(
    pattern: T,
    handler: BatchHandler<M[T]>,
    options?: SubscribeBatchOptions,
  ): Subscription;
  subscribeBatch(pattern: string, handler: BatchHandler, options?: SubscribeBatchOptions): Subscription;
  /** Publishes on `topic` and resolves with the first reply (see `reply`), or rejects after `timeoutMs`. */
  request<R = unknown>(topic: string, payload: unknown, options?: RequestOptions): Promise<SentioEvent<R>>;
  /** Answers a request event. */
  reply(request: SentioEvent, payload: unknown, options?: PublishOptions): void;
  stats(): BusStats;
  /** Resolves when everything published so far has left this thread. */
  flush(): Promise<void>;
  close(): void;
}

export class BusClosedError extends Error {
  override name = 'BusClosedError';
  constructor() {
    super('the bus is closed');
  }
}

/**
 * Thrown (or rejected with) by a handler that could not handle an event for now — its storage is full, say —
 * and must not lose it: the subscription keeps the event, delivers it again with backoff before any later one,
 * and only then counts it handled (a `persist` queue keeps its row, the hub its credit). Any other error
 * counts the event handled, as a handler error.
 */
export class HandlerRetryError extends Error {
  override name = 'HandlerRetryError';
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on "${topic}" within ${timeoutMs} ms`);
  }
}

export type { EventId };
