// The backlog of one subscription, shaped by its backpressure policy. Pure and synchronous except for the
// `persist` policy's spill, which is handed to an injected store. Used both in-thread (LocalBus) and by the
// hub on behalf of subscribers in other threads.
import type { SentioEvent } from '../events/event';
import { Deque } from './deque';
import { readPath } from './field-path';
import type { BackpressurePolicy, DropReason, Reducer } from './policy';

export type DropCounts = Partial<Record<DropReason, number>>;

/** Where `persist` puts what does not fit in memory. Order in = order out. */
export interface SpillStore {
  append(queue: string, events: readonly SentioEvent[]): Promise<void>;
  /** The oldest `limit` spilled events of `queue`, removed from the store. */
  takeOldest(queue: string, limit: number): Promise<SentioEvent[]>;
  count(queue: string): Promise<number>;
  /** Stores `events` ahead of what `queue` already holds (they are older), in one transaction. */
  prepend(queue: string, events: readonly SentioEvent[]): Promise<void>;
}

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
  /** Required for `persist`: the spill store and this queue's durable name in it. */
  spill?: { store: SpillStore; name: string };
  /** Called when spilled events come back and are ready to deliver. */
  onRefill?: () => void;
  /** Called when the spill store fails: the events stay in memory (over budget) rather than being lost. */
  onSpillError?: (err: unknown) => void;
  /** Called with each event a policy drops, e.g. to close the VideoFrame it carries. */
  onDiscard?: (event: SentioEvent) => void;
}

export class PolicyQueue {
  private items = new Deque<SentioEvent>();
  private readonly byKey = new Map<unknown, SentioEvent>();
  private readonly aggregates = new Map<string, AggregateEntry>();
  private sampleCounter = 0;
  private spilled = 0;
  private spillPending: SentioEvent[] = [];
  private spillBusy = false;
  /** Events handed to the store whose write has not finished yet. */
  private spillWriting = 0;
  /**
   * Set while nobody consumes this queue (a durable subscription whose thread is gone): everything waits on
   * disk, so it outlives the hub, and nothing is read back until a consumer returns.
   */
  private diskOnly = false;
  readonly drops: DropCounts = {};
  private readonly now: () => number;

  constructor(
    readonly policy: BackpressurePolicy,
    private readonly options: PolicyQueueOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Events waiting, wherever they wait (memory or spill). */
  get size(): number {
    return this.memorySize + this.spilled + this.spillPending.length + this.spillWriting;
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
        if (!this.options.spill) {
          // No store here (e.g. the receiving end of a credit window, already bounded): memory only, never drop.
          this.items.push(event);
          return;
        }
        if (
          this.diskOnly ||
          this.spilled > 0 ||
          this.spillPending.length > 0 ||
          this.items.length >= p.memory
        ) {
          // Once anything is spilled, newer events queue behind it so that order is kept.
          this.spillPending.push(event);
          this.flushSpill();
        } else {
          this.items.push(event);
        }
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
    if (p.kind === 'aggregate') this.closeWindows();
    if (p.kind === 'batch') max = Math.min(max, p.maxCount);
    const n = Math.min(max, this.items.length);
    const out = new Array<SentioEvent>(n);
    for (let i = 0; i < n; i++) out[i] = this.items.shift()!;
    if (p.kind === 'persist') this.refill();
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
    this.items.unshiftAll(events);
  }

  /** Adopts events a previous owner of this queue's name left in the spill store (e.g. before a hub restart). */
  adoptSpilled(n: number): void {
    this.spilled += n;
    if (this.items.length === 0) this.refill();
  }

  /**
   * `persist` with a store: moves what waits in memory to the store, ahead of what is already there, and keeps
   * new events there too until `keepInMemory()`. "Never drop" then holds even if this thread dies.
   */
  keepOnDisk(): void {
    if (this.policy.kind !== 'persist' || !this.options.spill) return;
    this.diskOnly = true;
    // A read from the store in progress brings back the oldest rows: they are moved once it lands.
    if (this.refilling) return;
    const events = this.items.toArray();
    if (events.length === 0) return;
    this.items.clear();
    const spill = this.options.spill;
    this.spillWriting += events.length;
    this.prepending++;
    spill.store.prepend(spill.name, events).then(
      () => {
        this.prepending--;
        this.spillWriting -= events.length;
        this.spilled += events.length;
        if (!this.diskOnly) this.refill();
      },
      (err: unknown) => {
        // Not stored: they stay in memory, first in line, as before.
        this.prepending--;
        this.spillWriting -= events.length;
        this.items.unshiftAll(events);
        this.options.onSpillError?.(err);
      },
    );
  }

  /** A consumer is back: events come from the store into memory again. */
  keepInMemory(): void {
    if (!this.diskOnly) return;
    this.diskOnly = false;
    this.refill();
  }

  /** Ids of the events waiting in memory (not spilled), oldest first. */
  peekIds(): string[] {
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

  private flushSpill(): void {
    const spill = this.options.spill;
    if (!spill || this.spillBusy || this.spillPending.length === 0) return;
    this.spillBusy = true;
    const batch = this.spillPending;
    this.spillPending = [];
    // += and -=: keepOnDisk's write may be in flight too, and `size` must count both.
    this.spillWriting += batch.length;
    spill.store.append(spill.name, batch).then(
      () => {
        this.spillWriting -= batch.length;
        this.spilled += batch.length;
        this.spillBusy = false;
        if (this.items.length === 0) this.refill();
        this.flushSpill();
      },
      (err: unknown) => {
        // Keep the events rather than lose them: memory goes over budget until storage recovers.
        this.spillWriting -= batch.length;
        this.spillPending = [...batch, ...this.spillPending];
        this.spillBusy = false;
        this.options.onSpillError?.(err);
      },
    );
  }

  private refilling = false;
  /**
   * Writes of keepOnDisk() in progress. Their rows are the oldest, so nothing may come back from the store or
   * the pending spill until they have landed: a consumer back meanwhile would get newer events first.
   */
  private prepending = 0;

  private refill(): void {
    const spill = this.options.spill;
    if (!spill || this.policy.kind !== 'persist' || this.refilling || this.diskOnly) return;
    if (this.prepending > 0) return; // refilled when the write lands
    if (this.items.length > this.policy.memory / 2) return;
    if (this.spilled === 0) {
      // Nothing on disk: whatever waits to be written can come straight back into memory.
      if (!this.spillBusy && this.spillPending.length) {
        for (const e of this.spillPending.splice(0, this.policy.memory - this.items.length))
          this.items.push(e);
        this.options.onRefill?.();
      }
      return;
    }
    this.refilling = true;
    const want = this.policy.memory - this.items.length;
    spill.store.takeOldest(spill.name, want).then(
      (events) => {
        this.spilled -= events.length;
        for (const e of events) this.items.push(e);
        this.refilling = false;
        if (this.diskOnly) return this.keepOnDisk();
        if (events.length) this.options.onRefill?.();
      },
      (err: unknown) => {
        this.refilling = false;
        this.options.onSpillError?.(err);
      },
    );
  }
}
