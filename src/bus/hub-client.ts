// A bus in this thread connected to the hub: publishes reach this thread's subscribers at once, other threads
// through the hub (only for topics someone there listens to, or the log keeps) or on direct lanes; events
// routed here by the hub arrive under credits that go back as handlers finish.
import type { SentioEvent } from '../events/event';
import { TopicTrie } from '../events/topic-trie';
import { DEFAULT_LIMITS, EventValidationError, validateEvent, type EventLimits } from '../events/validate';
import { createLocalBus, HUB_SOURCE, type BusLink, type LocalBus } from './local-bus';
import { CreditReturner, LaneReceiver, LaneSender, MAX_BATCH } from './lane';
import {
  PROTOCOL_VERSION,
  type ClientMessage,
  type HubMessage,
  type HubRequests,
  type WireSubscription,
} from './protocol';
import type { EventMap } from './types';
import type { ErrorData } from '../platform/error-data';
import { fromWireError } from './wire-error';
import { postToHub } from './post-to-hub';
import { HubInterest } from './hub-interest';
import { DeliveryReporter } from './delivery-reporter';
import type { Endpoint } from '../platform/messages';

type HubPort = Endpoint<HubMessage, ClientMessage>;

import type { ConnectBusOptions, ConnectedBus } from './connected-bus';
export type { ConnectBusOptions, ConnectedBus, HubControl } from './connected-bus';

class HubLink implements BusLink {
  private pending: SentioEvent[] = [];
  private pendingCredits = new Map<string, number>();
  private scheduled = false;
  private readonly interest: HubInterest;
  private readonly senders = new Map<string, LaneSender>();
  private readonly senderTrie = new TopicTrie<LaneSender>();
  private senderRoutes = new Map<string, readonly LaneSender[]>();
  private readonly receivers = new Map<string, LaneReceiver>();
  private readonly readyWaiters = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly requests = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  private reqSeq = 0;
  private welcomed = false;
  private preWelcome: { message: ClientMessage; transfer?: Transferable[] }[] = [];
  private closed = false;
  private releaseLock: (() => void) | undefined;
  private readonly deliveries = new DeliveryReporter(
    () => this.bus.deliveries(),
    (reports) => this.post({ type: 'delivery', reports }),
  );

  constructor(
    private readonly bus: LocalBus,
    private readonly port: HubPort,
    private readonly onRejected: (err: Error) => void,
    private readonly onWelcome: (w: { hubId: string; connections: number }) => void,
    private readonly limits: EventLimits = DEFAULT_LIMITS,
  ) {
    this.interest = new HubInterest(bus.clientId, (id) => this.hasLaneTo(id));
    port.addEventListener('message', (e) => this.receive(e.data));
    port.start?.();
  }

  /** Sends hello once this thread holds its liveness lock (the hub waits on it to learn of our death). */
  async hello(name: string, locks: LockManager | null): Promise<void> {
    let lockName: string | null = null;
    if (locks) {
      lockName = `sentio.bus.client.${this.bus.clientId}`;
      await new Promise<void>((held) => {
        void locks.request(lockName!, () => {
          held();
          return new Promise<void>((release) => (this.releaseLock = release));
        });
      });
    }
    this.port.postMessage({
      type: 'hello',
      clientId: this.bus.clientId,
      name,
      protocol: PROTOCOL_VERSION,
      lockName,
    });
    this.welcomed = true;
    for (const { message, transfer } of this.preWelcome) this.send(message, transfer);
    this.preWelcome = [];
    if (!this.closed) this.deliveries.start();
  }

  private post(message: ClientMessage, transfer?: Transferable[]): void {
    if (this.closed) return;
    if (!this.welcomed) this.preWelcome.push({ message, transfer });
    else this.send(message, transfer);
  }

  private send(message: ClientMessage, transfer?: Transferable[]): void {
    postToHub(this.port, message, transfer, (e, err) => this.refuseUnclonable(e, err));
  }

  private refuseUnclonable(e: SentioEvent, err: unknown): void {
    const why = `cannot be sent to another thread (${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)})`;
    const refusal = new EventValidationError('payload', why, e.id);
    this.bus.noteRejected(refusal.message);
    this.onRejected(refusal);
  }

  private receive(m: HubMessage): void {
    switch (m?.type) {
      case 'welcome':
        this.onWelcome({ hubId: m.hubId, connections: m.connections });
        return;
      case 'deliver':
        for (const [subId, events] of m.batches)
          for (const e of events) this.bus.deliverRemote(subId, e, HUB_SOURCE);
        return;
      case 'subscribed': {
        const w = this.readyWaiters.get(m.id);
        this.readyWaiters.delete(m.id);
        if (m.error) {
          const err = fromWireError(m.error);
          this.onRejected(err);
          w?.reject(err);
        } else w?.resolve();
        return;
      }
      case 'rejected':
        for (const e of m.errors) this.reject(e);
        return;
      case 'interest':
        this.applyInterest(m);
        return;
      case 'lane.open':
        this.openLane(m);
        return;
      case 'lane.close':
        this.closeLane(m.laneId);
        return;
      case 'response': {
        const r = this.requests.get(m.reqId);
        this.requests.delete(m.reqId);
        if (!r) return;
        if (m.error) r.reject(fromWireError(m.error));
        else r.resolve(m.result);
        return;
      }
    }
  }

  private reject(w: ErrorData): void {
    const err = fromWireError(w);
    this.bus.noteRejected(err.message);
    this.onRejected(err);
  }

  private applyInterest(m: Extract<HubMessage, { type: 'interest' }>): void {
    this.interest.apply(m);
    this.post({ type: 'interest.ack', version: m.version });
  }

  private hasLaneTo(subscriptionId: string): boolean {
    for (const s of this.senders.values()) if (s.subscriptionId === subscriptionId) return true;
    return false;
  }

  // Where the event last routed goes (set by `destinations`, in fields so that publishing allocates
  // nothing); `checked` is the event they were computed for, which outbound() then reuses.
  private toLanes: readonly LaneSender[] = [];
  private toHub = false;
  private checked: SentioEvent | undefined;

  /** Where this event goes from here: lanes, and whether the hub wants it (`held`: it must have it). */
  private destinations(event: SentioEvent, transfer: Transferable[] | undefined, held: boolean): void {
    let lanes = this.senderRoutes.get(event.topic);
    if (!lanes) {
      if (this.senderRoutes.size >= 8192) this.senderRoutes = new Map();
      this.senderRoutes.set(event.topic, (lanes = this.senderTrie.match(event.topic)));
    }
    this.toLanes = lanes;
    // Media never goes to the hub: a SharedWorker cannot receive it.
    this.toHub = !transfer?.length;
    if (this.toHub && !held && !this.interest.hubWants(event)) this.toHub = false;
  }

  check(event: SentioEvent, transfer: Transferable[] | undefined, held: boolean): void {
    if (this.closed) return;
    this.destinations(event, transfer, held);
    this.checked = event;
    if (this.toLanes.length === 0 && !this.toHub) return; // Stays in this thread: nothing is cloned.
    // Checked here, where it leaves the thread: a payload the structured clone (or the receiver's limits)
    // would refuse is refused at publish(), and the batch it would have joined is unaffected.
    const v = validateEvent(event, this.limits);
    if (!v.ok) {
      this.checked = undefined;
      this.bus.noteRejected(v.error.message);
      throw v.error;
    }
  }

  outbound(event: SentioEvent, transfer: Transferable[] | undefined, held: boolean): void {
    if (this.closed) return;
    // A handler that published in between (in-thread delivery is synchronous) routed another event.
    if (this.checked !== event) this.destinations(event, transfer, held);
    this.checked = undefined;
    const lanes = this.toLanes;
    const toHub = this.toHub;
    for (let i = 0; i < lanes.length; i++) lanes[i]!.send(event, i === 0 ? transfer : undefined);
    if (!toHub) return;
    this.pending.push(event);
    if (this.pending.length >= MAX_BATCH) this.flushNow();
    else this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flushNow());
    }
  }

  private flushNow(): void {
    this.scheduled = false;
    if (this.pending.length) {
      const events = this.pending;
      this.pending = [];
      const lanes = [...new Set([...this.senders.values()].map((s) => s.subscriptionId))];
      this.post({ type: 'publish', events, lanes });
    }
    if (this.pendingCredits.size) {
      const grants = [...this.pendingCredits];
      this.pendingCredits = new Map();
      this.post({ type: 'credit', grants });
    }
  }

  private readonly windows = new Map<string, number>();
  private readonly hubCredits = new Map<string, CreditReturner>();

  subscribed(sub: WireSubscription): Promise<void> {
    this.windows.set(sub.id, sub.credits);
    return new Promise((resolve, reject) => {
      this.readyWaiters.set(sub.id, { resolve, reject });
      this.flushNow(); // Keep order: what was published before this subscription goes first.
      this.post({ type: 'subscribe', sub });
    });
  }

  unsubscribed(id: string): void {
    this.hubCredits.get(id)?.cancel();
    this.hubCredits.delete(id);
    this.windows.delete(id);
    this.flushNow();
    this.post({ type: 'unsubscribe', id });
    for (const r of [...this.receivers.values()]) if (r.subscriptionId === id) this.closeLane(r.laneId);
  }

  credit(subscriptionId: string, source: string, n: number): void {
    if (source === HUB_SOURCE) {
      let r = this.hubCredits.get(subscriptionId);
      if (!r) {
        const window = this.windows.get(subscriptionId) ?? 1;
        r = new CreditReturner(window, (k) => {
          this.pendingCredits.set(subscriptionId, (this.pendingCredits.get(subscriptionId) ?? 0) + k);
          this.schedule();
        });
        this.hubCredits.set(subscriptionId, r);
      }
      r.add(n);
    } else {
      this.receivers.get(source)?.credit(n);
    }
  }

  private openLane(m: Extract<HubMessage, { type: 'lane.open' }>): void {
    if (m.role === 'publisher') {
      // Events already batched for the hub were not sent on this lane: let them go first, unmarked.
      this.flushNow();
      const sender = new LaneSender(m.laneId, m.subscriptionId, m.pattern, m.port, m.policy, m.credits);
      this.senders.set(m.laneId, sender);
      this.senderTrie.add(m.pattern, sender);
      this.senderRoutes = new Map();
      this.interest.invalidate();
    } else {
      const receiver = new LaneReceiver(m.laneId, m.subscriptionId, m.port, m.credits, (e) => {
        // Lanes bypass the hub, so this end validates what it receives.
        const v = validateEvent(e, DEFAULT_LIMITS);
        if (v.ok) this.bus.deliverRemote(m.subscriptionId, v.event, m.laneId);
        else {
          this.bus.noteRejected(`lane ${m.laneId}: ${v.error.message}`);
          receiver.credit(1);
        }
      });
      this.receivers.set(m.laneId, receiver);
    }
  }

  private closeLane(laneId: string): void {
    const s = this.senders.get(laneId);
    if (s) {
      this.senders.delete(laneId);
      this.senderTrie.remove(s.pattern, s);
      s.close();
      this.senderRoutes = new Map();
      this.interest.invalidate();
    }
    const r = this.receivers.get(laneId);
    if (r) {
      this.receivers.delete(laneId);
      r.close();
    }
  }

  request(name: string, params: unknown): Promise<unknown> {
    const reqId = ++this.reqSeq;
    return new Promise((resolve, reject) => {
      this.requests.set(reqId, { resolve, reject });
      this.post({ type: 'request', reqId, name: name as keyof HubRequests, params });
    });
  }

  laneStats() {
    return [...this.senders.values()].map((s) => ({
      laneId: s.laneId,
      subscriptionId: s.subscriptionId,
      sent: s.sent,
      backlog: s.backlog,
      dropped: { ...s.drops } as Record<string, number>,
    }));
  }

  async flush(): Promise<void> {
    for (const r of this.hubCredits.values()) r.flush();
    this.deliveries.report();
    this.flushNow();
    // A round trip through the hub proves everything before it has been received there.
    await this.request('ping', {});
  }

  close(): void {
    if (this.closed) return;
    // Batched acknowledgements go out first: a durable subscription must not redeliver what was handled.
    for (const r of this.hubCredits.values()) r.flush();
    this.flushNow();
    this.post({ type: 'bye', reason: 'closed' });
    this.closed = true;
    this.deliveries.stop();
    for (const id of [...this.senders.keys(), ...this.receivers.keys()]) this.closeLane(id);
    for (const r of this.hubCredits.values()) r.cancel();
    this.releaseLock?.();
    this.port.close?.();
  }
}

export function connectBus<M extends EventMap = EventMap>(options: ConnectBusOptions): ConnectedBus<M> {
  const bus = createLocalBus<M>(options);
  let welcome!: (w: { hubId: string; connections: number }) => void;
  const connected = new Promise<{ hubId: string; connections: number }>((r) => (welcome = r));
  const link = new HubLink(
    bus as LocalBus,
    options.port,
    options.onRejected ?? (() => {}),
    welcome,
    options.limits ?? DEFAULT_LIMITS,
  );
  bus.attach(link);
  const locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
  void link.hello(options.name, locks);
  return Object.assign(bus, {
    connected,
    hub: {
      request: <K extends keyof HubRequests>(name: K, params: HubRequests[K]['params']) =>
        link.request(name, params) as Promise<HubRequests[K]['result']>,
    },
    laneStats: () => link.laneStats(),
  });
}
