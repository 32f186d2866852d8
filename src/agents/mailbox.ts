// An agent's mailbox: a priority queue ordered by QoS class (realtime first), then the event's priority
// (higher first), then arrival order. Bounded: past `capacity` the lowest-ranked entry is pushed out and
// returned, so the caller can count it and settle it (a durable agent marks it dropped in its inbox).
import type { Qos, SentioEvent } from '../events/event';

const QOS_RANK: Record<Qos, number> = { realtime: 0, batched: 1, background: 2 };

export interface MailboxEntry {
  event: SentioEvent;
  /** Arrival order (the durable inbox's sequence number, or a local counter). */
  seq: number;
}

/** Negative when `a` must be handled before `b`. */
export function compareEntries(a: MailboxEntry, b: MailboxEntry): number {
  return (
    QOS_RANK[a.event.qos] - QOS_RANK[b.event.qos] ||
    (b.event.priority ?? 0) - (a.event.priority ?? 0) ||
    a.seq - b.seq
  );
}

export class Mailbox {
  private readonly heap: MailboxEntry[] = [];
  private readonly ids = new Set<string>();
  private dropped = 0;

  constructor(readonly capacity: number = Infinity) {
    if (!(capacity >= 1)) throw new RangeError(`mailbox capacity must be ≥ 1 (got ${capacity})`);
  }

  get size(): number {
    return this.heap.length;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }

  /**
   * Adds an entry unless one with the same event id is waiting (redeliveries are expected). Returns the entry
   * pushed out by the bound, if any — possibly the new one itself when it ranks lowest.
   */
  push(entry: MailboxEntry): { accepted: boolean; evicted?: MailboxEntry } {
    if (this.ids.has(entry.event.id)) return { accepted: false };
    this.ids.add(entry.event.id);
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    if (this.heap.length <= this.capacity) return { accepted: true };
    const evicted = this.removeWorst();
    this.dropped++;
    return { accepted: evicted !== entry, evicted };
  }

  peek(): MailboxEntry | undefined {
    return this.heap[0];
  }

  shift(): MailboxEntry | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.down(0);
    }
    this.ids.delete(top.event.id);
    return top;
  }

  clear(): void {
    this.heap.length = 0;
    this.ids.clear();
  }

  private removeWorst(): MailboxEntry {
    // The worst entry is a leaf; leaves are the second half of the heap array.
    let worst = this.heap.length >> 1;
    for (let i = worst + 1; i < this.heap.length; i++) {
      if (compareEntries(this.heap[i]!, this.heap[worst]!) > 0) worst = i;
    }
    const entry = this.heap[worst]!;
    const last = this.heap.pop()!;
    if (worst < this.heap.length) {
      this.heap[worst] = last;
      this.up(worst);
    }
    this.ids.delete(entry.event.id);
    return entry;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareEntries(h[i]!, h[p]!) >= 0) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && compareEntries(h[l]!, h[m]!) < 0) m = l;
      if (r < h.length && compareEntries(h[r]!, h[m]!) < 0) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
