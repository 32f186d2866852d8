// The hub: one per origin (in a SharedWorker, or a dedicated worker where SharedWorker is missing). It is the
// control plane — who subscribes to what, credits, durable backlogs, the event log, lanes between
// threads — and it routes the small events that do not travel on lanes. It validates everything it receives:
// a bad event is refused back to its sender with the field and the reason, and nothing else is disturbed.
// Its parts: admission checks (hub-admission), the topic → subscriptions cache and rates (hub-routes),
// interest announcements (hub-announcer), lanes (hub-lanes), `log.*` requests (hub-log-requests), durable
// subscriptions and their register (hub-durables), its options (hub-options).
import type { SentioEvent } from '../events/event';
import { DEFAULT_LIMITS, validateEvent, type EventLimits } from '../events/validate';
import { EventLog, NO_LOG_STATS } from './event-log';
import { LaneTable } from './hub-lanes';
import { HubLogRequests, isLogRequest } from './hub-log-requests';
import { RouteTable } from './hub-routes';
import {
  creditGrants,
  helloProblem,
  notHelloFirst,
  subscribeProblem,
  UNREADABLE_MESSAGE,
} from './hub-admission';
import { deliveryReports } from './hub-delivery';
import { HubClient, type Port } from './hub-port';
import { HubSubscription, type HubSubscriptionOwner } from './hub-subscription';
import { InterestAnnouncer } from './hub-announcer';
import { DEFAULT_PUBLISHER_RULES, PublisherGuard } from './publisher-rules';
import { type ClientMessage, type HubRequests, type HubStats, type WireSubscription } from './protocol';
import { createSpillStore, type SpillStore } from './spill-store';
import { createDurableRegistry, DurableSubscriptions } from './hub-durables';
import type { ErrorData } from '../platform/error-data';
import { toWireError } from './wire-error';

import { hubLockName, type HubOptions, type HubPeers } from './hub-options';
export { hubLockName, type HubOptions, type HubPeers };

export class Hub {
  readonly id: string;
  private readonly clients = new Map<string, HubClient>();
  private readonly subs = new Map<string, HubSubscription>();
  private readonly durables: DurableSubscriptions<HubSubscription>;
  private readonly routes: RouteTable;
  private readonly lanes = new LaneTable((id) => this.clients.get(id));
  private readonly logRequests: HubLogRequests;
  private readonly log: EventLog | undefined;
  private readonly spill: SpillStore | undefined;
  private readonly limits: EventLimits;
  private readonly now: () => number;
  private readonly locks: LockManager | null;
  private routed = 0;
  private rejected = 0;
  private readonly interest: InterestAnnouncer;
  private readonly publishers: PublisherGuard;
  private readonly peers: HubPeers | undefined;
  /** Registered durables being recreated: messages wait for it, so none is routed past them. */
  private restoring: Promise<void> | null = null;

  constructor(options: HubOptions = {}) {
    this.id = options.hubId ?? crypto.randomUUID();
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.now = options.now ?? Date.now;
    this.locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    if (options.db) {
      this.log = new EventLog(options.db, this.now);
      this.spill = createSpillStore(options.db);
    }
    this.durables = new DurableSubscriptions(options.db ? createDurableRegistry(options.db) : undefined);
    this.publishers = new PublisherGuard(options.publishers ?? DEFAULT_PUBLISHER_RULES);
    this.routes = new RouteTable(this.publishers, this.now);
    this.logRequests = new HubLogRequests({
      log: this.log,
      now: this.now,
      announceLogRules: () => this.interest.announceLogRules(),
      republish: (e) => this.publishReplayed(e),
    });
    this.peers = options.peers;
    this.interest = new InterestAnnouncer({
      clients: () => this.clients.values(),
      subs: this.subs,
      durables: this.durables.byName,
      hasPeers: this.peers !== undefined,
      log: this.log,
    });
    this.peers?.onEvents((events) => this.publish(null, events, null));
    if (this.spill) {
      this.restoring = this.durables
        .restore((r) => {
          const sub = this.createSubscription(`durable:${r.name}`, { id: '', send() {} }, r, false);
          sub.detach();
          this.subs.set(sub.id, sub);
          this.routes.add(sub);
          return sub;
        })
        .finally(() => (this.restoring = null));
    }
  }

  private createSubscription(
    id: string,
    owner: HubSubscriptionOwner,
    w: { name?: string; pattern: string; policy: WireSubscription['policy']; credits: number },
    lane: boolean,
  ): HubSubscription {
    return new HubSubscription(
      id,
      owner,
      w.pattern,
      w.policy,
      w.credits,
      lane,
      w.name,
      this.spill,
      this.now,
      (err) => console.warn(`[sentio hub] spill for ${w.name ?? id} failed: ${(err as Error).message}`),
    );
  }

  /**
   * Holds a Web Lock named after this hub for as long as it lives, so clients can learn of its death by
   * requesting the same lock.
   */
  holdLivenessLock(): void {
    void this.locks?.request(hubLockName(this.id), () => new Promise<void>(() => {}));
  }

  /** Serves one client port (a tab, a worker, the page's own bus). */
  connect(port: Port): void {
    let client: HubClient | undefined;
    const listener = (e: MessageEvent<ClientMessage>): void => {
      if (this.restoring) return void this.restoring.then(() => listener(e));
      const m = e.data;
      if (e.type === 'messageerror') return this.refuse(port, UNREADABLE_MESSAGE);
      if (!client) {
        if (m?.type !== 'hello') return this.refuse(port, notHelloFirst(m));
        client = this.welcome(port, m, listener);
        return;
      }
      try {
        this.handle(client, m);
      } catch (err) {
        // A message shaped in a way no check foresaw is refused, never a crash of the hub's listener.
        this.refuse(port, {
          name: 'ProtocolError',
          message: `a ${JSON.stringify((m as { type?: unknown })?.type)} message could not be handled: ${(err as Error)?.message ?? String(err)}`,
        });
      }
    };
    port.addEventListener('message', listener);
    port.addEventListener('messageerror', listener);
    port.start?.();
  }

  /** A subscription of `client`'s; credits and reports for anyone else's are ignored. */
  private ownedBy(client: HubClient, id: string): HubSubscription | undefined {
    const sub = this.subs.get(id);
    return sub?.owner === client ? sub : undefined;
  }

  private refuse(port: Port, error: ErrorData): void {
    this.rejected++;
    port.postMessage({ type: 'rejected', errors: [error] });
  }

  private welcome(
    port: Port,
    m: Extract<ClientMessage, { type: 'hello' }>,
    listener: (e: MessageEvent<ClientMessage>) => void,
  ): HubClient | undefined {
    // Refused: the port stays unadmitted (everything but a valid hello gets "expected hello first").
    const problem = helloProblem(m, (id) => this.clients.has(id));
    if (problem) {
      this.refuse(port, problem);
      return undefined;
    }
    const client = new HubClient(m.clientId, m.name, port, listener);
    this.clients.set(client.id, client);
    client.post({ type: 'welcome', hubId: this.id, clientId: client.id, connections: this.clients.size });
    this.interest.snapshot(client);
    for (const sub of this.subs.values())
      if (sub.lane && sub.owner && sub.owner !== client) this.lanes.open(sub, client);
    if (m.lockName && this.locks) {
      // The client holds this lock for its whole life; we get it only when its thread is gone.
      void this.locks.request(m.lockName, () => {
        if (this.clients.get(client.id) === client) this.disconnect(client);
      });
    }
    return client;
  }

  private handle(client: HubClient, m: ClientMessage): void {
    switch (m?.type) {
      case 'publish':
        this.publish(client, m.events, m.lanes);
        return;
      case 'subscribe':
        this.subscribe(client, m.sub);
        return;
      case 'unsubscribe':
        this.unsubscribe(m.id, client);
        return;
      case 'credit': {
        const { grants, error } = creditGrants(m);
        for (const [id, n] of grants) this.ownedBy(client, id)?.grant(n);
        if (error) this.refuse(client.port, error);
        return;
      }
      case 'delivery': {
        const { reports, error } = deliveryReports(m);
        for (const r of reports) this.ownedBy(client, r.id)?.report(r);
        if (error) this.refuse(client.port, error);
        return;
      }
      case 'request':
        void this.answer(client, m.reqId, m.name, m.params);
        return;
      case 'interest.ack': {
        const refused = this.interest.ack(client, m);
        if (refused) this.refuse(client.port, refused);
        return;
      }
      case 'bye':
        this.disconnect(client);
        return;
      case 'hello':
        return;
      default:
        this.refuse(client.port, {
          name: 'ProtocolError',
          message: `unknown message type ${JSON.stringify((m as { type?: unknown })?.type)}`,
        });
    }
  }

  private publish(origin: HubClient | null, events: unknown, lanes: unknown): void {
    if (!Array.isArray(events)) {
      if (origin)
        this.refuse(origin.port, { name: 'ProtocolError', message: 'publish.events must be an array' });
      return;
    }
    const skip = Array.isArray(lanes) && lanes.length ? new Set<string>(lanes as string[]) : null;
    const errors: ErrorData[] = [];
    const accepted: SentioEvent[] = [];
    const now = this.now();
    for (const raw of events) {
      const v = validateEvent(raw, this.limits, now);
      if (!v.ok) {
        errors.push(toWireError(v.error));
        continue;
      }
      const e = v.event;
      const r = this.routes.route(e.topic);
      if (r.rules.length) {
        const refused = this.publishers.check(e, r.rules, origin ? origin.name : null);
        if (refused) {
          errors.push(refused);
          continue;
        }
      }
      accepted.push(e);
      r.count++;
      const subs = r.subs;
      for (let i = 0; i < subs.length; i++) {
        const s = subs[i]!;
        // A publisher's own subscriptions had it in its thread, except those the hub holds (see heldByHub).
        if (origin !== null && s.owner === origin && !s.holdsOwnPublishes) continue;
        if (skip !== null && skip.has(s.id)) continue;
        s.offer(e);
        this.routed++;
      }
    }
    if (errors.length) {
      this.rejected += errors.length;
      origin?.post({ type: 'rejected', errors });
    }
    if (accepted.length) {
      this.log?.offer(accepted);
      if (origin && this.peers) this.peers.send(accepted);
    }
  }

  private subscribe(client: HubClient, w: WireSubscription): void {
    const existing = this.durables.claim(w?.durable, w?.pattern, (old) => this.unsubscribe(old.id, null));
    const problem = subscribeProblem(w, (id) => this.subs.has(id), existing);
    if (problem) {
      client.post({ type: 'subscribed', id: String(w?.id), error: problem });
      return;
    }
    let sub: HubSubscription;
    if (existing) {
      this.subs.delete(existing.id);
      sub = existing;
      this.subs.set(w.id, sub);
      sub.attach(client, w.id, w.credits);
    } else {
      sub = this.createSubscription(w.id, client, { ...w, name: w.durable }, w.lane);
      this.subs.set(w.id, sub);
      this.durables.added(sub, w);
      this.routes.add(sub);
    }
    client.subs.add(sub);
    const version = this.interest.added(sub);
    if (sub.lane) for (const c of this.clients.values()) if (c !== client) this.lanes.open(sub, c);
    // `ready` means active everywhere: wait until every thread's publishes follow the new interest.
    this.interest.after(version, () => client.post({ type: 'subscribed', id: w.id }));
  }

  private unsubscribe(id: string, client: HubClient | null): void {
    const sub = this.subs.get(id);
    if (!sub || (client && sub.owner !== client)) return;
    this.subs.delete(id);
    this.durables.removed(sub);
    if (sub.owner) this.clients.get(sub.owner.id)?.subs.delete(sub);
    this.routes.remove(sub);
    this.lanes.closeFor(sub);
    this.interest.removed(id);
    sub.close();
  }

  private disconnect(client: HubClient): void {
    if (this.clients.get(client.id) !== client) return;
    this.clients.delete(client.id);
    client.port.removeEventListener('message', client.listener);
    client.port.removeEventListener('messageerror', client.listener);
    client.port.close?.();
    for (const sub of client.subs) {
      if (sub.durable) {
        sub.detach();
        // Keep routing to it: its backlog waits for the next thread that subscribes under the name.
        this.interest.removed(sub.id);
        this.lanes.closeFor(sub);
      } else {
        this.unsubscribe(sub.id, null);
      }
    }
    this.lanes.closeFrom(client);
    this.interest.release();
  }

  private async answer(client: HubClient, reqId: number, name: string, params: unknown): Promise<void> {
    try {
      const result = await this.control(name as keyof HubRequests, params);
      client.post({ type: 'response', reqId, result });
    } catch (err) {
      client.post({ type: 'response', reqId, error: toWireError(err) });
    }
  }

  async control<K extends keyof HubRequests>(name: K, params: unknown): Promise<HubRequests[K]['result']> {
    type R = HubRequests[K]['result'];
    if (isLogRequest(name)) return (await this.logRequests.answer(name, params)) as R;
    switch (name) {
      case 'ping':
        // flush() ends with a ping: once answered, its events are on disk for every `persist` subscriber.
        await this.written();
        return { hubId: this.id } as R;
      case 'stats':
        return (await this.stats()) as R;
      default:
        throw new Error(`unknown hub request "${String(name)}"`);
    }
  }

  /** Attached and detached ones: a detached durable is in `durables` only. */
  private allSubs(): Set<HubSubscription> {
    return new Set([...this.subs.values(), ...this.durables.byName.values()]);
  }

  private written(): Promise<unknown> {
    return Promise.all([...this.allSubs()].map((s) => s.queue.written()));
  }

  private publishReplayed(e: SentioEvent): void {
    const r = this.routes.route(e.topic);
    // An imported log may hold events no client was allowed to publish: they are judged by their source.
    if (r.rules.length && this.publishers.check(e, r.rules, null)) return;
    r.count++;
    for (const s of r.subs) {
      s.offer(e);
      this.routed++;
    }
  }

  async stats(): Promise<HubStats> {
    const subs = this.allSubs();
    return {
      hubId: this.id,
      clients: [...this.clients.values()].map((c) => ({
        id: c.id,
        name: c.name,
        connectedAt: c.connectedAt,
      })),
      subscriptions: [...subs].map((s) => s.stats()),
      routed: this.routed,
      rejected: this.rejected,
      interestTimeouts: this.interest.timeouts,
      topicRates: this.routes.rates(),
      log: this.log ? await this.log.stats() : { ...NO_LOG_STATS },
    };
  }
}
