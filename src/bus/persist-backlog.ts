// The backlog of a `persist` queue that has a store: write-through. Every event it accepts is written to the
// store (one transaction per burst, not per event) and its row stays until the consumer acknowledges the
// event, so whatever holds this queue may die — a worker, the SharedWorker hub with every tab — and the next
// owner under the same name adopts the rows, oldest first. Memory holds the head (`memory` events at most,
// plus what a dead consumer had in flight); what is past it lives only on disk once written, and is read back
// by key. Rows on disk are, in key order: in flight (delivered, unacknowledged) → head → tail.
import type { SentioEvent } from '../events/event';
import { Deque } from './deque';
import type { SpillStore } from './spill-store';

interface TailEntry {
  event: SentioEvent;
  /** Position in arrival order, to match the keys a write returns. */
  pos: number;
  key: number | undefined;
}

export interface PersistBacklogHooks {
  /** Events read back from the store are ready to deliver (never called from inside take()). */
  onRefill?: () => void;
  /** The store failed: events stay in memory, are written on the next burst, and nothing is lost. */
  onError?: (err: unknown) => void;
}

export class PersistBacklog {
  private readonly items = new Deque<SentioEvent>();
  /** Past the memory budget, waiting for their row's key; then only `tailStored` counts them. */
  private readonly tail = new Deque<TailEntry>();
  private tailStored = 0;
  private tailFrom = 0;
  private refilling = false;
  /** Rows a previous owner left are being counted: nothing is written or delivered before them. */
  private loading = false;
  private disposed = false;

  private unwritten: SentioEvent[] = [];
  /** Arrival position of unwritten[0]; everything before it is on disk (or acknowledged, no need to be). */
  private unwrittenFrom = 0;
  private pushed = 0;
  private writing = false;
  private scheduled = false;
  /** Acknowledged events whose rows are still to be deleted. */
  private acks = 0;
  /** Rows of this queue on disk, as far as this owner knows. */
  private rows = 0;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(
    private readonly memory: number,
    private readonly store: SpillStore,
    private readonly name: string,
    private readonly hooks: PersistBacklogHooks = {},
  ) {}

  /** Events waiting, in memory or on disk (not those in flight). */
  get size(): number {
    return this.items.length + this.tail.length + this.tailStored;
  }

  /** Takes on rows a previous owner of this name left; nothing newer is delivered before them. */
  adopt(): void {
    this.loading = true;
    this.store.extent(this.name).then(
      ({ count, first }) => {
        this.loading = false;
        this.rows += count;
        if (count && first !== null) {
          this.tailStored = count;
          this.tailFrom = first;
        }
        this.schedule();
        this.refill(false);
      },
      (err: unknown) => {
        this.loading = false;
        this.hooks.onError?.(err);
        this.schedule();
        this.refill(false);
      },
    );
  }

  push(event: SentioEvent): void {
    const pos = this.pushed++;
    this.unwritten.push(event);
    this.schedule();
    if (this.loading || this.tailStored > 0 || this.tail.length > 0 || this.items.length >= this.memory)
      this.tail.push({ event, pos, key: undefined });
    else this.items.push(event);
  }

  take(max: number): SentioEvent[] {
    const n = Math.min(max, this.items.length);
    const out = new Array<SentioEvent>(n);
    for (let i = 0; i < n; i++) out[i] = this.items.shift()!;
    this.refill(true);
    return out;
  }

  /** Events delivered before (the oldest first) and not yet acknowledged go back to the front. */
  requeueFront(events: readonly SentioEvent[]): void {
    this.items.unshiftAll(events);
  }

  /** The consumer is done with the `n` oldest events it was given: their rows go. */
  acknowledge(n: number): void {
    if (n <= 0) return;
    this.acks += n;
    this.schedule();
  }

  /** Resolves once every event pushed so far is on disk (or a write of it failed, and was reported). */
  written(): Promise<void> {
    const upTo = this.pushed;
    if (this.unwrittenFrom >= upTo && !this.writing) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  peekIds(): string[] {
    return this.items.toArray().map((e) => e.id);
  }

  /** A non-durable queue closed: its rows are of no use to anyone. */
  dispose(): void {
    this.disposed = true;
    this.unwritten = [];
    this.items.clear();
    this.tail.clear();
    if (!this.writing) void this.store.clear(this.name).catch(() => {});
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.loading || this.disposed) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.writing || this.loading || this.disposed) return;
    // Acknowledged before they were ever written: no row to write, none to delete.
    const skip = Math.min(Math.max(0, this.acks - this.rows), this.unwritten.length);
    if (skip) {
      this.unwritten.splice(0, skip);
      this.unwrittenFrom += skip;
      this.acks -= skip;
    }
    if (this.unwritten.length === 0 && this.acks === 0) return this.release(false);
    const batch = this.unwritten;
    const from = this.unwrittenFrom;
    const acks = this.acks;
    this.unwritten = [];
    this.unwrittenFrom += batch.length;
    this.acks = 0;
    this.writing = true;
    this.store.write(this.name, batch, acks).then(
      (keys) => {
        this.writing = false;
        this.rows = Math.max(0, this.rows + batch.length - acks);
        if (this.disposed) return void this.store.clear(this.name).catch(() => {});
        this.stored(from, keys);
        this.release(false);
        this.schedule();
        this.refill(false);
      },
      (err: unknown) => {
        // Nothing of the transaction happened: the batch is first in line again, the acks still to apply.
        this.writing = false;
        this.unwritten = [...batch, ...this.unwritten];
        this.unwrittenFrom = from;
        this.acks += acks;
        this.release(true);
        this.hooks.onError?.(err);
      },
    );
  }

  /** A write landed: tail events now have a key and leave memory, front first, so order is kept. */
  private stored(from: number, keys: readonly number[]): void {
    const end = from + keys.length;
    for (let i = 0; i < this.tail.length; i++) {
      const t = this.tail.at(i)!;
      if (t.pos >= end) break;
      if (t.pos >= from) t.key = keys[t.pos - from];
    }
    while (this.tail.length && this.tail.at(0)!.key !== undefined) {
      const t = this.tail.shift()!;
      if (this.tailStored === 0) this.tailFrom = t.key!;
      this.tailStored++;
    }
  }

  private release(all: boolean): void {
    if (!this.waiters.length) return;
    const done = this.unwrittenFrom;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters)
      if (all || w.upTo <= done) w.resolve();
      else keep.push(w);
    this.waiters = keep;
  }

  /**
   * Tops memory up from the tail: from disk when rows wait there (they are older than the tail still in
   * memory), else straight from the tail. `inTake`: the caller's loop takes them, so no onRefill (which would
   * re-enter the caller and deliver out of order).
   */
  private refill(inTake: boolean): void {
    if (this.loading || this.refilling || this.disposed) return;
    if (this.items.length > this.memory / 2) return;
    if (this.tailStored > 0) {
      this.refilling = true;
      const want = Math.min(this.memory - this.items.length, this.tailStored);
      this.store.readFrom(this.name, this.tailFrom, want).then(
        (rows) => {
          this.refilling = false;
          if (this.disposed) return;
          // Fewer rows than counted: someone else removed them; nothing more to read.
          if (rows.length === 0) this.tailStored = 0;
          for (const r of rows) this.items.push(r.event);
          this.tailStored -= rows.length;
          if (rows.length) this.tailFrom = rows[rows.length - 1]!.key + 1;
          if (this.tailStored === 0 && this.tail.length) this.moveTail();
          this.hooks.onRefill?.();
        },
        (err: unknown) => {
          this.refilling = false;
          this.hooks.onError?.(err);
        },
      );
      return;
    }
    if (this.moveTail() && !inTake) this.hooks.onRefill?.();
  }

  private moveTail(): boolean {
    let moved = false;
    while (this.tail.length && this.items.length < this.memory) {
      this.items.push(this.tail.shift()!.event);
      moved = true;
    }
    return moved;
  }
}
