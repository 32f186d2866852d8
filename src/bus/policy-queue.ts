// The backlog of one subscription, shaped by its backpressure policy. Pure and synchronous except for the
// `persist` policy's spill, which is handed to an injected store. Used both in-thread (LocalBus) and by the
// hub on behalf of subscribers in other threads.
import type { SentioEvent } from '../events/event';
import { Deque } from './deque';
import { readPath } from './field-path';
import { PersistBacklog } from './persist-backlog';
import type { BackpressurePolicy, DropReason, Reducer } from './policy';
import type { SpillStore } from './spill-store';

export type { SpillStore } from './spill-store';

export type DropCounts = Partial<Record<DropReason, number>>;

interface AggregateEntry {
  first: SentioEvent;
  last: SentioEvent;
  startedAt: number;
  count: number;
  values: number[];
}

function reduce(reducer: Reducer, values: number[], count: number, first: unknown, last: unknown): unknown {
  switch (reducer) {
    case 'count':
      return count;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'mean':
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
    case 'min':
      return values.length ? Math.min(...values) : NaN;
    case 'max':
      return values.length ? Math.max(...values) : NaN;
    case 'first':
      return first;
    case 'last':
      return last;
  }
}

export interface PolicyQueueOptions {
  now?: () => number;
  /**
   * For `persist`: the store and this queue's name in it. Every event is written through and stays there
   * until acknowledge(); `adopt`: take on the rows a previous owner of the name left (durable queues).
   */
  spill?: { store: SpillStore; name: string; adopt?: boolean };
  /** Called when stored events come back and are ready to deliver. */
  onRefill?: () => void;
  /** Called when the store fails: the events stay in memory (over budget) rather than being lost. */
  onSpillError?: (err: unknown) => void;
  /** Called with each event a policy drops, e.g. to close the VideoFrame it carries. */
  onDiscard?: (event: SentioEvent) => void;
}

export class PolicyQueue {
  private items = new Deque<SentioEvent>();
  private readonly byKey = new Map<unknown, SentioEvent>();
  private readonly aggregates = new Map<string, AggregateEntry>();
  private sampleCounter = 0;
  /** `persist` with a store: the whole backlog is there (write-through). */
  private readonly persisted: PersistBacklog | undefined;
  readonly drops: DropCounts = {};
  private readonly now: () => number;

  constructor(
    readonly policy: BackpressurePolicy,
    private readonly options: PolicyQueueOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const spill = options.spill;
    if (policy.kind === 'persist' && spill) {
      this.persisted = new PersistBacklog(policy.memory, spill.store, spill.name, {
        onRefill: options.onRefill,
        onError: options.onSpillError,
      });
      if (spill.adopt) this.persisted.adopt();
    }
  }

  /** Whether every event pushed is written to a store and must be acknowledged once handled. */
  get writesThrough(): boolean {
    return this.persisted !== undefined;
  }

  /** Events waiting, wherever they wait (memory or spill). */
  get size(): number {
    return this.persisted ? this.persisted.size : this.memorySize;
  }

  private get memorySize(): number {
    switch (this.policy.kind) {
      case 'collapse':
        return this.byKey.size;
      case 'aggregate':
        return this.items.length + this.aggregates.size;
      default:
        return this.items.length;
    }
  }

  /** Total drops so far, for callers that only need to know whether anything was dropped since last time. */
  dropTotal = 0;

  private drop(reason: DropReason, discarded?: SentioEvent): void {
    this.dropTotal++;
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    if (discarded) this.options.onDiscard?.(discarded);
  }

  push(event: SentioEvent): void {
    const p = this.policy;
    switch (p.kind) {
      case 'latest': {
        this.items.push(event);
        let sameTopic = 0;
        for (let i = this.items.length - 1; i >= 0; i--) {
          if (this.items.at(i)!.topic === event.topic && ++sameTopic > p.n) {
            this.drop('latest', this.items.removeAt(i));
          }
        }
        return;
      }
      case 'dropOldest':
        this.items.push(event);
        if (this.items.length > p.n) this.drop('overflow', this.items.shift());
        return;
      case 'sample':
        if (this.items.length > 0 && this.sampleCounter++ % p.k !== 0) {
          this.drop('sampled', event);
          return;
        }
        if (this.items.length === 0) this.sampleCounter = 1;
        this.items.push(event);
        if (this.items.length > p.n) this.drop('overflow', this.items.shift());
        return;
      case 'collapse': {
        const key = readPath(event, p.key);
        const older = this.byKey.get(key);
        this.byKey.set(key, event);
        if (older) {
          this.drop('collapsed', older);
          return;
        }
        if (this.byKey.size > p.n) {
          const [oldestKey, oldest] = this.byKey.entries().next().value!;
          this.byKey.delete(oldestKey);
          this.drop('overflow', oldest);
        }
        return;
      }
      case 'aggregate': {
        this.closeWindows();
        const open = this.aggregates.get(event.topic);
        const value = readPath(event, p.field);
        if (open) {
          const folded = open.count > 1 ? open.last : undefined;
          open.last = event;
          open.count++;
          if (typeof value === 'number') open.values.push(value);
          this.drop('aggregated', folded);
        } else {
          this.aggregates.set(event.topic, {
            first: event,
            last: event,
            startedAt: this.now(),
            count: 1,
            values: typeof value === 'number' ? [value] : [],
          });
        }
        return;
      }
      case 'batch':
        this.items.push(event);
        if (this.items.length > p.n) this.drop('overflow', this.items.shift());
        return;
      case 'persist':
        // Without a store (e.g. the receiving end of a credit window, already bounded): memory only, never drop.
        if (this.persisted) this.persisted.push(event);
        else this.items.push(event);
        return;
    }
  }

  private closeWindows(force = false): void {
    if (this.policy.kind !== 'aggregate') return;
    const { windowMs, reducer, field } = this.policy;
    const now = this.now();
    for (const [topic, a] of this.aggregates) {
      if (!force && now - a.startedAt < windowMs) continue;
      this.aggregates.delete(topic);
      if (a.count === 1) {
        this.items.push(a.first);
        continue;
      }
      this.items.push({
        ...a.last,
        ts: a.last.ts,
        payload: {
          aggregate: reducer,
          field,
          value: reduce(reducer, a.values, a.count, readPath(a.first, field), readPath(a.last, field)),
          count: a.count,
          from: a.first.ts,
          to: a.last.ts,
        },
        tags: [...(a.last.tags ?? []), 'aggregated'],
      });
    }
  }

  /** Ms until an aggregate window closes when nothing else is deliverable; null when there is no such wait. */
  nextReadyIn(): number | null {
    const p = this.policy;
    const now = this.now();
    if (p.kind === 'aggregate' && this.items.length === 0 && this.aggregates.size > 0) {
      let soonest = Infinity;
      for (const a of this.aggregates.values()) soonest = Math.min(soonest, a.startedAt + p.windowMs - now);
      return Math.max(0, soonest);
    }
    return null;
  }

  /** Up to `max` deliverable events, oldest first. */
  take(max: number): SentioEvent[] {
    const p = this.policy;
    if (max <= 0) return [];
    if (p.kind === 'collapse') {
      const out: SentioEvent[] = [];
      for (const [k, e] of this.byKey) {
        if (out.length >= max) break;
        out.push(e);
        this.byKey.delete(k);
      }
      return out;
    }
    if (this.persisted) return this.persisted.take(max);
    if (p.kind === 'aggregate') this.closeWindows();
    if (p.kind === 'batch') max = Math.min(max, p.maxCount);
    const n = Math.min(max, this.items.length);
    const out = new Array<SentioEvent>(n);
    for (let i = 0; i < n; i++) out[i] = this.items.shift()!;
    return out;
  }

  /** Puts events back at the front (unacknowledged deliveries of a thread that died). Never dropped. */
  requeueFront(events: readonly SentioEvent[]): void {
    if (events.length === 0) return;
    if (this.policy.kind === 'collapse') {
      const rest = [...this.byKey];
      this.byKey.clear();
      for (const e of events) this.byKey.set(readPath(e, this.policy.key), e);
      for (const [k, e] of rest) if (!this.byKey.has(k)) this.byKey.set(k, e);
      return;
    }
    if (this.persisted) this.persisted.requeueFront(events);
    else this.items.unshiftAll(events);
  }

  /** The consumer handled the `n` oldest events taken (write-through only): they leave the store. */
  acknowledge(n: number): void {
    this.persisted?.acknowledge(n);
  }

  /** Resolves once everything pushed so far is in the store (at once without one). */
  written(): Promise<void> {
    return this.persisted ? this.persisted.written() : Promise.resolve();
  }

  /** A non-durable queue is closed: what it stored is of no use to anyone. */
  dispose(): void {
    this.persisted?.dispose();
  }

  /** Ids of the events waiting in memory (not spilled), oldest first. */
  peekIds(): string[] {
    if (this.persisted) return this.persisted.peekIds();
    const items = this.policy.kind === 'collapse' ? [...this.byKey.values()] : this.items.toArray();
    const ids = items.map((e) => e.id);
    for (const a of this.aggregates.values()) ids.push(a.last.id);
    return ids;
  }

  /** Everything still waiting, aggregates closed; the queue is left empty (spilled events stay spilled). */
  drainMemory(): SentioEvent[] {
    this.closeWindows(true);
    const out = this.policy.kind === 'collapse' ? [...this.byKey.values()] : this.items.toArray();
    this.items.clear();
    this.byKey.clear();
    return out;
  }
}
