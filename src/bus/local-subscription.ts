// One subscriber in this thread: its handler, its backlog (shaped by its policy) and its counters. A handler
// runs one delivery at a time: when it returns a promise, the next waits until that promise settles. A batch
// handler takes what has waited (up to its maximum) in one call, so a handler that writes to storage makes one
// write per backlog instead of one per event.
import type { SentioEvent } from '../events/event';
import { backoffDelay, type BackoffPolicy } from '../platform/backoff';
import { LatencyHistogram, type Percentiles } from '../telemetry/histogram';
import { PolicyQueue, type SpillStore } from './policy-queue';
import type { BackpressurePolicy, DropReason } from './policy';
import { HandlerRetryError, type BatchHandler, type Handler, type SubscriptionStats } from './types';

/** Between deliveries of an event whose handler asked for it again: soon at first, then every 5 s at most. */
const REDELIVERY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

const asksForRetry = (err: unknown): boolean =>
  err instanceof HandlerRetryError || (err as { name?: unknown } | null)?.name === 'HandlerRetryError';

/** One event for a per-event handler, the events taken together for a batch handler. */
type Delivery = SentioEvent | readonly SentioEvent[];
/**
 * Where a delivery's events came from, for their credits: a single event's source, or per source the count of
 * a batch's events from it; undefined when none crossed threads.
 */
type Sources = string | Map<string, number> | undefined;

/** How a subscriber takes its events: one per call, or a batch handler with its maximum batch size. */
export type SubscriberHandler = Handler | { batch: BatchHandler; max: number };

const countOf = (d: Delivery): number => (Array.isArray(d) ? d.length : 1);

export interface SubscriptionHost {
  now(): number;
  latency: LatencyHistogram;
  spill?: SpillStore;
  onHandlerError(err: unknown, event: SentioEvent | undefined, subscriptionId: string): void;
  /** Events from another thread were handled (or dropped by policy): credits go back to `source`. */
  onSettled?(subscriptionId: string, source: string, count: number): void;
}

export class LocalSubscription {
  private queue: PolicyQueue | undefined;
  private busy = false;
  /** What the handler is working on (async), so its events are not mistaken for ones the policy dropped. */
  private inFlight: Delivery | undefined;
  private readonly one: Handler | undefined;
  private readonly many: BatchHandler | undefined;
  /** Events per handler call: 1 for a per-event handler. */
  private readonly maxBatch: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Waits to deliver again an event whose handler threw HandlerRetryError (the subscription stays busy). */
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  delivered = 0;
  errors = 0;
  redelivered = 0;
  /** This subscription's own publish → handler latency (the host's histogram is the whole thread's). */
  private ownLatency: LatencyHistogram | undefined;
  /** Remote events handled since credits were last returned, per source (the hub or a lane). */
  private unreturned = new Map<string, number>();
  /** Remote events not yet handled, with where they came from (a policy drop must still return the credit). */
  private remote = new Map<string, string>();

  constructor(
    readonly id: string,
    readonly pattern: string,
    readonly policy: BackpressurePolicy,
    handler: SubscriberHandler,
    private readonly host: SubscriptionHost,
    readonly durable?: string,
  ) {
    if (typeof handler === 'function') {
      this.one = handler;
      this.maxBatch = 1;
    } else {
      this.many = handler.batch;
      this.maxBatch = handler.max;
    }
    // A durable `persist` queue takes on what a previous thread left under its name, so it starts now.
    if (durable !== undefined && policy.kind === 'persist' && host.spill) void this.backlog;
  }

  private get backlog(): PolicyQueue {
    return (this.queue ??= new PolicyQueue(this.policy, {
      now: this.host.now,
      spill:
        this.policy.kind === 'persist' && this.host.spill
          ? {
              store: this.host.spill,
              name: `local:${this.durable ?? this.id}`,
              adopt: this.durable !== undefined,
            }
          : undefined,
      onRefill: () => this.pump(),
      onSpillError: (err) => this.host.onHandlerError(err, undefined, this.id),
    }));
  }

  /** `source` names where an event from another thread came from (the hub or a lane); it holds a credit. */
  offer(event: SentioEvent, source?: string): void {
    // Hottest path (an in-thread publish to an idle subscriber with no backlog): the handler runs here
    // directly; no latency to record (it did not wait), no credit to return (it never crossed threads).
    if (source === undefined && !this.busy && this.queue === undefined && !this.closed) {
      this.delivered++;
      let result: void | Promise<void>;
      try {
        result = this.invoke(event);
      } catch (err) {
        if (asksForRetry(err)) return this.redeliver(event, undefined, false, 1);
        this.failed(err, event);
        return;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === 'function')
        this.await(result as Promise<void>, event, undefined, false, 1);
      return;
    }
    if (this.closed) return;
    // Fast path: nothing waiting and the handler is free. Batch/aggregate still deliver at once when idle:
    // policies only shape a backlog.
    // A written-through backlog takes everything, so each event has its row until handled.
    if (!this.busy && (this.queue === undefined || (this.queue.size === 0 && !this.queue.writesThrough))) {
      this.run(event, source, source !== undefined);
      return;
    }
    // Only events that wait need their source remembered (keyed by id: dear, but off the hot path).
    if (source !== undefined) this.remote.set(event.id, source);
    const q = this.backlog;
    q.push(event);
    if (source !== undefined) this.reconcileRemote();
    this.schedule();
  }

  private invoke(d: Delivery): void | Promise<void> {
    return this.many ? this.many(Array.isArray(d) ? d : [d as SentioEvent]) : this.one!(d as SentioEvent);
  }

  /** A handler error names the event it failed on: a batch's first. */
  private failed(err: unknown, d: Delivery): void {
    this.errors++;
    this.host.onHandlerError(err, Array.isArray(d) ? d[0] : (d as SentioEvent), this.id);
  }

  private await(
    result: Promise<void>,
    d: Delivery,
    sources: Sources,
    queued: boolean,
    attempt: number,
  ): void {
    this.busy = true;
    this.inFlight = d;
    result.then(
      () => this.finish(d, sources, queued),
      (err: unknown) => {
        if (asksForRetry(err)) return this.redeliver(d, sources, queued, attempt);
        this.failed(err, d);
        this.finish(d, sources, queued);
      },
    );
  }

  /**
   * Runs the handler on one delivery. `sources` names where credits must go back (events from another
   * thread). `waited`: it crossed threads or sat in the backlog, so publish → handler latency is worth
   * recording; an in-thread event delivered at once has none, and skipping the clock keeps publish cheap.
   */
  private run(d: Delivery, sources: Sources, waited: boolean, queued = false, attempt = 1): void {
    // A redelivery is the same events again: counted once in `delivered`, latency recorded the first time.
    if (attempt === 1) {
      this.delivered += countOf(d);
      if (waited) {
        const now = this.host.now();
        if (Array.isArray(d)) for (const e of d) this.recordLatency(now - e.ts);
        else this.recordLatency(now - (d as SentioEvent).ts);
      }
    }
    let result: void | Promise<void>;
    try {
      result = this.invoke(d);
    } catch (err) {
      if (asksForRetry(err)) return this.redeliver(d, sources, queued, attempt);
      this.failed(err, d);
      this.settle(d, sources, queued);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function')
      this.await(result as Promise<void>, d, sources, queued, attempt);
    else this.settle(d, sources, queued);
  }

  private recordLatency(ms: number): void {
    this.host.latency.record(ms);
    (this.ownLatency ??= new LatencyHistogram()).record(ms);
  }

  /**
   * The handler asked for its delivery again: it is not settled (`persist` rows and the hub's credits stay, so
   * a thread that dies meanwhile leaves them to the next owner), and nothing later runs before it is handled.
   */
  private redeliver(d: Delivery, sources: Sources, queued: boolean, attempt: number): void {
    this.redelivered += countOf(d);
    this.busy = true;
    this.inFlight = d;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        if (this.closed) return;
        this.busy = false;
        this.inFlight = undefined;
        this.run(d, sources, false, queued, attempt + 1);
        if (!this.busy) this.pump();
      },
      backoffDelay(attempt, REDELIVERY),
    );
  }

  private finish(d: Delivery, sources: Sources, queued: boolean): void {
    this.busy = false;
    this.inFlight = undefined;
    this.settle(d, sources, queued);
    this.pump();
  }

  /** `queued`: it came out of the backlog, which keeps a written-through copy until told it was handled. */
  private settle(d: Delivery, sources: Sources, queued: boolean): void {
    if (queued) this.queue?.acknowledge(countOf(d));
    if (sources === undefined || !this.host.onSettled) return;
    if (typeof sources === 'string') this.host.onSettled(this.id, sources, 1);
    else for (const [source, n] of sources) this.host.onSettled(this.id, source, n);
  }

  private isInFlight(id: string): boolean {
    const d = this.inFlight;
    if (d === undefined) return false;
    return Array.isArray(d) ? d.some((e) => e.id === id) : (d as SentioEvent).id === id;
  }

  private dropsSeen = 0;

  /** A policy dropped remote events from the queue: their credits still go back. */
  private reconcileRemote(): void {
    if (!this.queue || this.remote.size === 0 || this.queue.dropTotal === this.dropsSeen) return;
    this.dropsSeen = this.queue.dropTotal;
    const waiting = new Set(this.queue.peekIds());
    for (const [id, source] of this.remote) {
      if (!waiting.has(id) && !this.isInFlight(id)) {
        this.remote.delete(id);
        this.unreturned.set(source, (this.unreturned.get(source) ?? 0) + 1);
      }
    }
    this.returnCredits();
  }

  private returnCredits(): void {
    if (!this.host.onSettled) return;
    for (const [source, n] of this.unreturned) this.host.onSettled(this.id, source, n);
    this.unreturned.clear();
  }

  private schedule(): void {
    if (!this.busy) queueMicrotask(() => this.pump());
  }

  private pump(): void {
    if (this.closed || !this.queue) return;
    while (!this.busy && !this.closed) {
      const taken = this.queue.take(this.maxBatch);
      if (taken.length === 0) break;
      this.run(
        this.many ? taken : taken[0]!,
        this.remote.size ? this.sourcesOf(taken) : undefined,
        true,
        true,
      );
    }
    if (this.remote.size) this.reconcileRemote();
    const wait = this.busy ? null : this.queue.nextReadyIn();
    if (wait !== null && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait + 1);
    }
  }

  /** Takes the taken events' sources out of `remote`: one event's source, or a batch's counts per source. */
  private sourcesOf(taken: readonly SentioEvent[]): Sources {
    let counts: Map<string, number> | undefined;
    for (const e of taken) {
      const source = this.remote.get(e.id);
      if (source === undefined) continue;
      this.remote.delete(e.id);
      if (!this.many) return source;
      counts ??= new Map();
      counts.set(source, (counts.get(source) ?? 0) + 1);
    }
    return counts;
  }

  stats(): SubscriptionStats {
    return {
      pattern: this.pattern,
      policy: this.policy,
      delivered: this.delivered,
      backlog: this.queue?.size ?? 0,
      dropped: { ...(this.queue?.drops ?? {}) },
      errors: this.errors,
      redelivered: this.redelivered,
    };
  }

  /** Publish → handler latency of the events that crossed threads or waited; undefined while there were none. */
  latency(): Percentiles | undefined {
    return this.ownLatency?.summary();
  }

  addDrops(reason: DropReason, n: number): void {
    const d = this.backlog.drops;
    d[reason] = (d[reason] ?? 0) + n;
  }

  close(): void {
    this.closed = true;
    if (this.durable === undefined) this.queue?.dispose();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
  }
}
