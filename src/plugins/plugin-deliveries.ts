// What a plugin is handed: events from its granted subscriptions, deduplicated (overlapping subscriptions
// deliver an event once), `local` ones withheld from a plugin that can reach the network, bounded by what it
// has not yet acknowledged, and batched into one message per microtask. It also tracks the strictest label the
// plugin has been given, since everything a black box publishes counts as derived from all of it.
import { isStricterThan, type Privacy, type SentioEvent } from '../events/event';

export interface PluginDeliveriesOptions {
  /** The plugin may reach the network, so raw sensor data (labelled local) never reaches it. */
  noLocal: boolean;
  /** Most events handed over and not yet acknowledged (plus those waiting to be sent). */
  maxInFlight: number;
  /** Posts one batch to the sandbox; false when there is no sandbox to post to. */
  send(events: SentioEvent[]): boolean;
}

export class PluginDeliveries {
  /** Ids of events recently handed over. */
  private recentIds = new Set<string>();
  private outbox: SentioEvent[] = [];
  private flushQueued = false;
  private inFlight = 0;
  handled = 0;
  droppedBacklog = 0;
  withheldLocal = 0;
  /** The strictest label among the events handed over (DESIGN.md: derived events inherit the strictest label). */
  privacyFloor: Privacy = 'public';

  constructor(private readonly o: PluginDeliveriesOptions) {}

  /** Called by the bus for each event on a granted subscription; never blocks the bus. */
  deliver(event: SentioEvent): void {
    if (this.recentIds.has(event.id)) return;
    if (this.recentIds.size >= 1024) this.recentIds.clear();
    this.recentIds.add(event.id);
    if (this.o.noLocal && event.privacy === 'local') {
      this.withheldLocal++;
      return;
    }
    if (isStricterThan(event.privacy, this.privacyFloor)) this.privacyFloor = event.privacy;
    if (this.inFlight + this.outbox.length >= this.o.maxInFlight) {
      this.droppedBacklog++;
      return;
    }
    this.outbox.push(event);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /**
   * The plugin says it has handled `count` events. Returns how many of them were in flight; fewer than `count`
   * means the plugin acknowledged events it was never given.
   */
  acknowledge(count: number): number {
    const n = Math.min(count, this.inFlight);
    this.inFlight -= n;
    this.handled += n;
    return n;
  }

  get unacknowledged(): number {
    return this.inFlight;
  }

  /** The sandbox is gone: what it held or was about to get is not coming back. */
  reset(): void {
    this.recentIds.clear();
    this.outbox = [];
    this.inFlight = 0;
  }

  private flush(): void {
    this.flushQueued = false;
    if (!this.outbox.length) return;
    const events = this.outbox;
    if (!this.o.send(events)) return;
    this.outbox = [];
    this.inFlight += events.length;
  }
}
