// One subscriber in this thread: its handler, its backlog (shaped by its policy) and its counters. A handler
// runs one event at a time: when it returns a promise, the next event waits until that promise settles.
import type { SentioEvent } from '../events/event';
import { backoffDelay, type BackoffPolicy } from '../platform/backoff';
import { LatencyHistogram, type Percentiles } from '../telemetry/histogram';
import { PolicyQueue, type SpillStore } from './policy-queue';
import type { BackpressurePolicy, DropReason } from './policy';
import { HandlerRetryError, type Handler, type SubscriptionStats } from './types';

/** Between deliveries of an event whose handler asked for it again: soon at first, then every 5 s at most. */
const REDELIVERY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

const asksForRetry = (err: unknown): boolean =>
  err instanceof HandlerRetryError || (err as { name?: unknown } | null)?.name === 'HandlerRetryError';

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
  /** The event whose handler is running (async), so it is not mistaken for one the policy dropped. */
  private current: string | undefined;
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
    private readonly handler: Handler,
    private readonly host: SubscriptionHost,
    readonly durable?: string,
  ) {
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
        result = this.handler(event);
      } catch (err) {
        if (asksForRetry(err)) return this.redeliver(event, undefined, false, 1);
        this.errors++;
        this.host.onHandlerError(err, event, this.id);
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

  private await(
    result: Promise<void>,
    event: SentioEvent,
    source: string | undefined,
    queued: boolean,
    attempt: number,
  ): void {
    this.busy = true;
    this.current = event.id;
    result.then(
      () => this.finish(source, queued),
      (err: unknown) => {
        if (asksForRetry(err)) return this.redeliver(event, source, queued, attempt);
        this.errors++;
        this.host.onHandlerError(err, event, this.id);
        this.finish(source, queued);
      },
    );
  }

  /**
   * Runs the handler on one event. `source` names where a credit must go back (an event from another
   * thread). `waited`: it crossed threads or sat in the backlog, so publish → handler latency is worth
   * recording; an in-thread event delivered at once has none, and skipping the clock keeps publish cheap.
   */
  private run(
    event: SentioEvent,
    source: string | undefined,
    waited: boolean,
    queued = false,
    attempt = 1,
  ): void {
    // A redelivery is the same event again: counted once in `delivered`, its latency recorded the first time.
    if (attempt === 1) this.delivered++;
    if (waited && attempt === 1) {
      const ms = this.host.now() - event.ts;
      this.host.latency.record(ms);
      (this.ownLatency ??= new LatencyHistogram()).record(ms);
    }
    let result: void | Promise<void>;
    try {
      result = this.handler(event);
    } catch (err) {
      if (asksForRetry(err)) return this.redeliver(event, source, queued, attempt);
      this.errors++;
      this.host.onHandlerError(err, event, this.id);
      this.settle(source, queued);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function')
      this.await(result as Promise<void>, event, source, queued, attempt);
    else this.settle(source, queued);
  }

  /**
   * The handler asked for `event` again: it is not settled (a `persist` row and the hub's credit stay, so a
   * thread that dies meanwhile leaves it to the next owner), and nothing later runs before it is handled.
   */
  private redeliver(event: SentioEvent, source: string | undefined, queued: boolean, attempt: number): void {
    this.redelivered++;
    this.busy = true;
    this.current = event.id;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        if (this.closed) return;
        this.busy = false;
        this.current = undefined;
        this.run(event, source, false, queued, attempt + 1);
        if (!this.busy) this.pump();
      },
      backoffDelay(attempt, REDELIVERY),
    );
  }

  private finish(source: string | undefined, queued: boolean): void {
    this.busy = false;
    this.current = undefined;
    this.settle(source, queued);
    this.pump();
  }

  /** `queued`: it came out of the backlog, which keeps a written-through copy until told it was handled. */
  private settle(source: string | undefined, queued: boolean): void {
    if (queued) this.queue?.acknowledge(1);
    if (source !== undefined) this.host.onSettled?.(this.id, source, 1);
  }

  private dropsSeen = 0;

  /** A policy dropped remote events from the queue: their credits still go back. */
  private reconcileRemote(): void {
    if (!this.queue || this.remote.size === 0 || this.queue.dropTotal === this.dropsSeen) return;
    this.dropsSeen = this.queue.dropTotal;
    const waiting = new Set(this.queue.peekIds());
    for (const [id, source] of this.remote) {
      if (!waiting.has(id) && id !== this.current) {
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
      const [next] = this.queue.take(1);
      if (!next) break;
      let source: string | undefined;
      if (this.remote.size) {
        source = this.remote.get(next.id);
        if (source !== undefined) this.remote.delete(next.id);
      }
      this.run(next, source, true, true);
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
