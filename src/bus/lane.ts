// Direct lanes: a MessageChannel the hub brokers between a publisher's thread and a subscriber's thread, so
// high-rate events make one hop instead of two and media (VideoFrame, ArrayBuffer) can be transferred.
// Flow control is the same credit scheme as through the hub: the publisher side holds what exceeds the
// subscriber's credits in a policy queue (latest wins for frames), closing media it drops.
import type { SentioEvent } from '../events/event';
import type { BackpressurePolicy } from './policy';
import { PolicyQueue } from './policy-queue';
import type { Endpoint } from '../platform/messages';
import type { LaneMessage } from './protocol';

type LanePort = Endpoint<LaneMessage, LaneMessage>;

/** Events per message at most: large enough to amortise postMessage, small enough to pipeline. */
export const MAX_BATCH = 256;

/** Releases what a dropped event holds: a camera frame that is never closed stalls the camera. */
export function releaseMedia(payload: unknown): void {
  const close = (x: unknown) => {
    const c = (x as { close?: unknown })?.close;
    const name = (x as object)?.constructor?.name;
    if (
      typeof c === 'function' &&
      (name === 'VideoFrame' || name === 'AudioData' || name === 'ImageBitmap')
    ) {
      (c as () => void).call(x);
    }
  };
  close(payload);
  if (payload && typeof payload === 'object') for (const v of Object.values(payload)) close(v);
}

export class LaneSender {
  private credits: number;
  private readonly queue: PolicyQueue;
  private readonly transfers = new Map<string, Transferable[]>();
  private out: SentioEvent[] = [];
  private outTransfer: Transferable[] = [];
  private scheduled = false;
  private closed = false;
  sent = 0;

  constructor(
    readonly laneId: string,
    readonly subscriptionId: string,
    readonly pattern: string,
    private readonly port: LanePort,
    policy: BackpressurePolicy,
    credits: number,
  ) {
    this.credits = credits;
    this.queue = new PolicyQueue(
      policy.kind === 'persist' ? { kind: 'dropOldest', n: Number.MAX_SAFE_INTEGER } : policy,
      {
        onDiscard: (e) => {
          this.transfers.delete(e.id);
          releaseMedia(e.payload);
        },
      },
    );
    port.addEventListener('message', (e) => {
      if (e.data?.type === 'credit' && typeof e.data.n === 'number') {
        this.credits += e.data.n;
        this.pump();
      }
    });
    port.start?.();
  }

  get backlog(): number {
    return this.queue.size;
  }

  get drops() {
    return this.queue.drops;
  }

  send(event: SentioEvent, transfer: Transferable[] | undefined): void {
    if (this.closed) return;
    if (this.credits > 0 && this.queue.size === 0) {
      this.emit(event, transfer);
      return;
    }
    if (transfer?.length) this.transfers.set(event.id, transfer);
    this.queue.push(event);
  }

  private emit(event: SentioEvent, transfer: Transferable[] | undefined): void {
    this.credits--;
    this.sent++;
    this.out.push(event);
    if (transfer) this.outTransfer.push(...transfer);
    // A long synchronous burst goes out in slices, so the receiver works while the publisher still publishes.
    if (this.out.length >= MAX_BATCH) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  private pump(): void {
    while (this.credits > 0) {
      const [e] = this.queue.take(1);
      if (!e) break;
      const t = this.transfers.get(e.id);
      this.transfers.delete(e.id);
      this.emit(e, t);
    }
  }

  private flush(): void {
    if (this.closed || this.out.length === 0) return;
    const events = this.out;
    const transfer = this.outTransfer;
    this.out = [];
    this.outTransfer = [];
    this.port.postMessage({ type: 'events', events }, transfer);
  }

  close(): void {
    this.closed = true;
    for (const e of this.queue.drainMemory()) releaseMedia(e.payload);
    this.transfers.clear();
    this.port.close?.();
  }
}

/**
 * Credits go back in batches — a quarter of the window at a time, or after a short idle pause — not one
 * message per event: per-event credits would double the messages of every round trip.
 */
export class CreditReturner {
  private owed = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly threshold: number;

  constructor(
    window: number,
    private readonly send: (n: number) => void,
    private readonly idleMs = 4,
  ) {
    this.threshold = Math.max(1, Math.floor(window / 4));
  }

  add(n: number): void {
    this.owed += n;
    if (this.owed >= this.threshold) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), this.idleMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const n = this.owed;
    this.owed = 0;
    if (n > 0) this.send(n);
  }

  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export class LaneReceiver {
  private readonly credits: CreditReturner;

  constructor(
    readonly laneId: string,
    readonly subscriptionId: string,
    private readonly port: LanePort,
    window: number,
    deliver: (event: SentioEvent) => void,
  ) {
    // A lane carries no acknowledgements (nothing durable rides on it), so a lazy idle return is enough: the
    // window itself guarantees progress, and a fast timer would only add wake-ups to every round trip.
    this.credits = new CreditReturner(window, (n) => this.port.postMessage({ type: 'credit', n }), 100);
    port.addEventListener('message', (e) => {
      const m = e.data;
      if (m?.type === 'events' && Array.isArray(m.events)) for (const ev of m.events) deliver(ev);
    });
    port.start?.();
  }

  /** The subscriber handled `n` events from this lane: the publisher may send `n` more. */
  credit(n: number): void {
    this.credits.add(n);
  }

  close(): void {
    this.credits.cancel();
    this.port.close?.();
  }
}
