// A subscription as the hub holds it for a client in another thread: credits the client granted, events in
// flight (kept until acknowledged when the subscription is durable), and a backlog shaped by its policy.
import type { SentioEvent } from '../events/event';
import { heldByHub, type BackpressurePolicy } from './policy';
import { PolicyQueue, type SpillStore } from './policy-queue';
import type { DeliveryReport, HubSubscriptionStats } from './protocol';

export interface HubSubscriptionOwner {
  readonly id: string;
  /** Queues events for the owning client; sent once per tick. */
  send(subscriptionId: string, event: SentioEvent): void;
}

export class HubSubscription {
  owner: HubSubscriptionOwner | null;
  credits: number;
  delivered = 0;
  /** The owner's own count of what reached its handler (lanes and its own publishes bypass the hub). */
  private reported: DeliveryReport | undefined;
  /** Counted by earlier owners: a durable subscription outlives its owner's thread, whose count restarts. */
  private reportedBefore = 0;
  /** Delivered but not yet acknowledged by a credit; redelivered if the owner dies (durable only). */
  private inFlight: SentioEvent[] = [];
  private inFlightCount = 0;
  readonly queue: PolicyQueue;
  /** Its owner's own publishes come through the hub too (see heldByHub). */
  readonly holdsOwnPublishes: boolean;

  constructor(
    public id: string,
    owner: HubSubscriptionOwner,
    readonly pattern: string,
    readonly policy: BackpressurePolicy,
    public creditLimit: number,
    readonly lane: boolean,
    readonly durable: string | undefined,
    spill: SpillStore | undefined,
    now: () => number,
    onSpillError: (err: unknown) => void,
  ) {
    this.owner = owner;
    this.credits = creditLimit;
    this.holdsOwnPublishes = heldByHub(durable, policy);
    this.queue = new PolicyQueue(policy, {
      now,
      // Durable: rows a previous hub left under this name (every tab closed) are taken on, oldest first.
      spill:
        policy.kind === 'persist' && spill
          ? { store: spill, name: `hub:${durable ?? id}`, adopt: durable !== undefined }
          : undefined,
      onRefill: () => this.pump(),
      onSpillError,
    });
  }

  offer(event: SentioEvent): void {
    if (this.queue.writesThrough) {
      // Through the queue even when it could go at once: its row must exist until it is acknowledged.
      this.queue.push(event);
      this.pump();
    } else if (this.owner && this.credits > 0 && this.queue.size === 0) this.send(event);
    else this.queue.push(event);
  }

  private send(event: SentioEvent): void {
    this.credits--;
    this.delivered++;
    if (this.durable) this.inFlight.push(event);
    else this.inFlightCount++;
    this.owner!.send(this.id, event);
  }

  /** The owner handled `n` events: they are acknowledged and `n` more may be sent. */
  grant(n: number): void {
    this.credits = Math.min(this.creditLimit, this.credits + n);
    const done = Math.min(n, this.durable ? this.inFlight.length : this.inFlightCount);
    if (this.durable) this.inFlight.splice(0, n);
    else this.inFlightCount = Math.max(0, this.inFlightCount - n);
    this.queue.acknowledge(done);
    this.pump();
  }

  pump(): void {
    while (this.owner && this.credits > 0) {
      const batch = this.queue.take(this.credits);
      if (batch.length === 0) break;
      for (const e of batch) this.send(e);
    }
  }

  /**
   * The owner's thread is gone. A durable subscription keeps its backlog (and what was in flight); with
   * `persist` it is on disk already (written through), so it survives the hub too (every tab closed).
   */
  detach(): void {
    this.owner = null;
    this.queue.requeueFront(this.inFlight);
    this.inFlight = [];
    this.inFlightCount = 0;
    this.credits = 0;
  }

  /** Unsubscribed: a non-durable queue's rows go; a durable one's stay for the next owner of its name. */
  close(): void {
    if (!this.durable) this.queue.dispose();
  }

  report(r: DeliveryReport): void {
    this.reported = r;
  }

  attach(owner: HubSubscriptionOwner, id: string, creditLimit: number): void {
    this.reportedBefore += this.reported?.delivered ?? 0;
    this.reported = undefined;
    this.owner = owner;
    this.id = id;
    this.creditLimit = creditLimit;
    this.credits = creditLimit;
    this.pump();
  }

  stats(): HubSubscriptionStats {
    return {
      id: this.id,
      client: this.owner?.id ?? '',
      pattern: this.pattern,
      durable: this.durable,
      policy: this.policy,
      lane: this.lane,
      connected: this.owner !== null,
      delivered:
        this.reported || this.reportedBefore
          ? this.reportedBefore + (this.reported?.delivered ?? 0)
          : this.delivered,
      sentByHub: this.delivered,
      ...(this.reported?.latency ? { latency: this.reported.latency } : {}),
      inFlight: this.durable ? this.inFlight.length : this.inFlightCount,
      backlog: this.queue.size,
      dropped: { ...this.queue.drops },
    };
  }
}
