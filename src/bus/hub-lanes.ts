// Lanes: direct MessageChannels between a publisher thread and a subscriber thread, so heavy events skip the
// hub. The hub opens one per (lane subscription, other client) pair and closes it when either side goes.
import type { HubClient } from './hub-port';
import type { HubSubscription } from './hub-subscription';

interface Lane {
  id: string;
  sub: HubSubscription;
  publisher: HubClient;
}

export class LaneTable {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    /** The live client with this id (a subscription's owner may have gone). */
    private readonly client: (id: string) => HubClient | undefined,
  ) {}

  open(sub: HubSubscription, publisher: HubClient): void {
    const owner = sub.owner ? this.client(sub.owner.id) : undefined;
    if (!owner) return;
    const laneId = `${sub.id}<${publisher.id}`;
    if (this.lanes.has(laneId)) return;
    const ch = new MessageChannel();
    this.lanes.set(laneId, { id: laneId, sub, publisher });
    const base = {
      laneId,
      subscriptionId: sub.id,
      pattern: sub.pattern,
      policy: sub.policy,
      credits: sub.creditLimit,
    };
    owner.post({ type: 'lane.open', ...base, role: 'subscriber', port: ch.port2 }, [ch.port2]);
    publisher.post({ type: 'lane.open', ...base, role: 'publisher', port: ch.port1 }, [ch.port1]);
  }

  closeFor(sub: HubSubscription): void {
    this.close((l) => l.sub === sub);
  }

  closeFrom(publisher: HubClient): void {
    this.close((l) => l.publisher === publisher);
  }

  private close(which: (l: Lane) => boolean): void {
    for (const l of [...this.lanes.values()]) {
      if (!which(l)) continue;
      this.lanes.delete(l.id);
      l.publisher.post({ type: 'lane.close', laneId: l.id });
      const owner = l.sub.owner ? this.client(l.sub.owner.id) : undefined;
      owner?.post({ type: 'lane.close', laneId: l.id });
    }
  }
}
