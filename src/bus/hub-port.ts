// One admitted client as the hub sees it: its port, its subscriptions, the interest version it applied, and
// the batch of deliveries it gets once per tick.
import type { SentioEvent } from '../events/event';
import type { HubSubscriptionOwner } from './hub-subscription';
import type { AckingClient } from './interest-barrier';
import type { Endpoint } from '../platform/messages';
import type { ClientMessage, HubMessage } from './protocol';
import type { HubSubscription } from './hub-subscription';

export type Port = Endpoint<ClientMessage, HubMessage>;

export class HubClient implements AckingClient, HubSubscriptionOwner {
  private out = new Map<string, SentioEvent[]>();
  private scheduled = false;
  readonly subs = new Set<HubSubscription>();
  readonly connectedAt = Date.now();
  /** The newest interest version this client has applied. */
  ackedVersion = 0;
  laggingUntil = 0;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly port: Port,
    readonly listener: (e: MessageEvent<ClientMessage>) => void,
  ) {}

  send(subscriptionId: string, event: SentioEvent): void {
    let list = this.out.get(subscriptionId);
    if (!list) this.out.set(subscriptionId, (list = []));
    list.push(event);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.out.size === 0) return;
    const batches = [...this.out];
    this.out = new Map();
    this.post({ type: 'deliver', batches });
  }

  post(message: HubMessage, transfer?: Transferable[]): void {
    try {
      this.port.postMessage(message, transfer);
    } catch (err) {
      // A port that cannot be posted to belongs to a dead thread; the lock or a goodbye will remove it.
      console.warn(`[sentio hub] could not post to client ${this.id}: ${(err as Error).message}`);
    }
  }
}
