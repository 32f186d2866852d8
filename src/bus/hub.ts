// The hub: one per origin (in a SharedWorker, or a dedicated worker where SharedWorker is missing). It is the
// control plane — who subscribes to what, credits, durable backlogs, the event log, lanes between
// threads — and it routes the small events that do not travel on lanes. It validates everything it receives:
// a bad event is refused back to its sender with the field and the reason, and nothing else is disturbed.
import type { SentioEvent } from '../events/event';
import { assertPattern } from '../events/topic';
import { TopicTrie } from '../events/topic-trie';
import { DEFAULT_LIMITS, validateEvent, type EventLimits } from '../events/validate';
import type { SentioDb } from '../storage/db';
import { EventLog } from './event-log';
import { ackedVersion, creditGrants, helloProblem } from './hub-admission';
import { HubClient, type Port } from './hub-port';
import { HubSubscription } from './hub-subscription';
import { InterestBarrier } from './interest-barrier';
import { checkPolicy } from './policy';
import { DEFAULT_PUBLISHER_RULES, PublisherGuard, type PublisherRules } from './publisher-rules';
import {
  type ClientMessage,
  type HubRequests,
  type HubStats,
  type InterestEntry,
  type WireSubscription,
} from './protocol';
import { createSpillStore } from './spill-store';
import type { SpillStore } from './policy-queue';
import type { ErrorData } from '../platform/error-data';
import { toWireError } from './wire-error';

/** Topic rates are counted over windows at least this long (see Hub.topicRates). */
const RATE_WINDOW_MS = 1000;

export function hubLockName(hubId: string): string {
  return `sentio.bus.hub.${hubId}`;
}

export interface HubOptions {
  hubId?: string;
  /** Where the event log and `persist` spills live. Without it, there is no log and persist cannot spill. */
  db?: SentioDb;
  limits?: EventLimits;
  now?: () => number;
  /** Web Locks, to learn when a client's thread dies. null = rely on goodbyes only. */
  locks?: LockManager | null;
  /** Topics the UI trusts and who may publish them (publisher-rules.ts); DEFAULT_PUBLISHER_RULES by default. */
  publishers?: PublisherRules;
  /**
   * Other hubs of the same origin to exchange events with. Used by the fallback hub (one dedicated worker
   * per tab where SharedWorker is missing) so tabs still share one bus.
   */
  peers?: HubPeers;
}

export interface HubPeers {
  send(events: SentioEvent[]): void;
  onEvents(receive: (events: unknown[]) => void): void;
}

interface Route {
  subs: readonly HubSubscription[];
  count: number;
  generation: number;
  /** Publisher rules for the topic (fixed for the hub's life, so never stale). */
  rules: ReturnType<PublisherGuard['rulesFor']>;
}

interface Lane {
  id: string;
  sub: HubSubscription;
  publisher: HubClient;
}

export class Hub {
  readonly id: string;
  private readonly clients = new Map<string, HubClient>();
  private readonly subs = new Map<string, HubSubscription>();
  private readonly durables = new Map<string, HubSubscription>();
  private readonly trie = new TopicTrie<HubSubscription>();
  private routes = new Map<string, Route>();
  // A subscription change makes every cached match stale; the entries (and their counts, which per-topic
  // rates are computed from) stay, and each is re-matched when next used.
  private generation = 0;
  private readonly lanes = new Map<string, Lane>();
  private readonly log: EventLog | undefined;
  private readonly spill: SpillStore | undefined;
  private readonly limits: EventLimits;
  private readonly now: () => number;
  private readonly locks: LockManager | null;
  private routed = 0;
  private rejected = 0;
  private rateWindow = { at: 0, counts: new Map<string, number>() };
  private lastRates: Record<string, number> = {};
  private replaySeq = 0;
  private interestVersion = 0;
  private readonly interestBarrier = new InterestBarrier(() => this.clients.values());
  private readonly publishers: PublisherGuard;

  constructor(options: HubOptions = {}) {
    this.id = options.hubId ?? crypto.randomUUID();
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.now = options.now ?? Date.now;
    this.locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    if (options.db) {
      this.log = new EventLog(options.db, this.now);
      this.spill = createSpillStore(options.db);
    }
    this.publishers = new PublisherGuard(options.publishers ?? DEFAULT_PUBLISHER_RULES);
    this.rateWindow.at = this.now();
    this.peers = options.peers;
    this.peers?.onEvents((events) => this.publish(null, events, null));
  }

  private readonly peers: HubPeers | undefined;

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
    const listener = (e: MessageEvent<ClientMessage>) => {
      const m = e.data;
      if (e.type === 'messageerror') {
        this.refuse(port, {
          name: 'DataCloneError',
          message:
            'a message to the hub could not be deserialised: media (VideoFrame, AudioData) cannot go through the hub; publish it on a lane',
        });
        return;
      }
      if (!client) {
        if (m?.type !== 'hello') {
          this.refuse(port, {
            name: 'ProtocolError',
            message: `expected "hello" first, got ${JSON.stringify((m as { type?: unknown })?.type)}`,
          });
          return;
        }
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
    client.post({
      type: 'interest',
      version: this.interestVersion,
      reset: true,
      add: this.interestEntries(),
      remove: [],
      log: this.logRules(),
    });
    for (const sub of this.subs.values())
      if (sub.lane && sub.owner && sub.owner !== client) this.openLane(sub, client);
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
        for (const [id, n] of grants) {
          const sub = this.subs.get(id);
          if (sub && sub.owner === client) sub.grant(n);
        }
        if (error) this.refuse(client.port, error);
        return;
      }
      case 'request':
        void this.answer(client, m.reqId, m.name, m.params);
        return;
      case 'interest.ack': {
        const v = ackedVersion(m, this.interestVersion);
        if (typeof v !== 'number') {
          this.refuse(client.port, v);
          return;
        }
        client.ackedVersion = Math.max(client.ackedVersion, v);
        this.interestBarrier.release();
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

  private route(topic: string) {
    let r = this.routes.get(topic);
    if (r && r.generation !== this.generation) {
      r.subs = this.trie.match(topic);
      r.generation = this.generation;
    }
    if (!r) {
      if (this.routes.size >= 8192) this.routes = new Map(); // One-off topics must not grow it for ever.
      r = {
        subs: this.trie.match(topic),
        count: 0,
        generation: this.generation,
        rules: this.publishers.rulesFor(topic),
      };
      this.routes.set(topic, r);
    }
    return r;
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
      const r = this.route(e.topic);
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
        if (origin !== null && s.owner === origin) continue;
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
    try {
      assertPattern(w?.pattern);
      checkPolicy(w.policy);
      if (!Number.isInteger(w.credits) || w.credits < 1)
        throw new RangeError(`credits must be a whole number ≥ 1 (got ${w.credits})`);
      if (typeof w.id !== 'string' || this.subs.has(w.id))
        throw new TypeError(`subscription id ${String(w.id)} is missing or already used`);
    } catch (err) {
      client.post({ type: 'subscribed', id: String(w?.id), error: toWireError(err) });
      return;
    }
    let sub: HubSubscription;
    const existing = w.durable ? this.durables.get(w.durable) : undefined;
    if (existing) {
      if (existing.owner) {
        const holder = existing.owner.id;
        client.post({
          type: 'subscribed',
          id: w.id,
          error: {
            name: 'DurableInUseError',
            message: `durable subscription "${w.durable}" is held by client ${holder}`,
          },
        });
        return;
      }
      if (existing.pattern !== w.pattern) {
        client.post({
          type: 'subscribed',
          id: w.id,
          error: {
            name: 'DurableMismatchError',
            message: `durable subscription "${w.durable}" has pattern "${existing.pattern}", not "${w.pattern}"`,
          },
        });
        return;
      }
      this.subs.delete(existing.id);
      sub = existing;
      this.subs.set(w.id, sub);
      sub.attach(client, w.id, w.credits);
    } else {
      sub = new HubSubscription(
        w.id,
        client,
        w.pattern,
        w.policy,
        w.credits,
        w.lane,
        w.durable,
        this.spill,
        this.now,
        (err) =>
          console.warn(`[sentio hub] spill for ${w.durable ?? w.id} failed: ${(err as Error).message}`),
      );
      this.subs.set(w.id, sub);
      if (w.durable) {
        this.durables.set(w.durable, sub);
        if (w.policy.kind === 'persist' && this.spill) {
          // Events a previous hub spilled under this name are still on disk: take them on.
          void this.spill.count(`hub:${w.durable}`).then((n) => n && sub.queue.adoptSpilled(n));
        }
      }
      this.trie.add(w.pattern, sub);
      this.generation++;
    }
    client.subs.add(sub);
    const version = this.broadcastInterest({ add: [this.entry(sub)], remove: [] });
    if (sub.lane) for (const c of this.clients.values()) if (c !== client) this.openLane(sub, c);
    // `ready` means active everywhere: wait until every thread's publishes follow the new interest.
    this.interestBarrier.after(version, () => client.post({ type: 'subscribed', id: w.id }));
  }

  private unsubscribe(id: string, client: HubClient | null): void {
    const sub = this.subs.get(id);
    if (!sub || (client && sub.owner !== client)) return;
    this.subs.delete(id);
    if (sub.durable) this.durables.delete(sub.durable);
    if (sub.owner) this.clients.get(sub.owner.id)?.subs.delete(sub);
    this.trie.remove(sub.pattern, sub);
    this.generation++;
    this.closeLanes((l) => l.sub === sub);
    this.broadcastInterest({ add: [], remove: [id] });
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
        this.broadcastInterest({ add: [], remove: [sub.id] });
        this.closeLanes((l) => l.sub === sub);
      } else {
        this.unsubscribe(sub.id, null);
      }
    }
    this.closeLanes((l) => l.publisher === client);
    this.interestBarrier.release();
  }

  private entry(sub: HubSubscription): InterestEntry {
    return { id: sub.id, pattern: sub.pattern, owner: sub.owner?.id ?? '', lane: sub.lane };
  }

  private interestEntries(): InterestEntry[] {
    const out: InterestEntry[] = [];
    // With peers, other tabs may listen to anything: clients send every (non-media) event here.
    if (this.peers) out.push({ id: 'peers', pattern: '>', owner: '', lane: false });
    for (const s of this.subs.values()) if (s.owner) out.push(this.entry(s));
    // Durable subscriptions without a thread still want events from everyone.
    for (const s of this.durables.values())
      if (!s.owner) out.push({ ...this.entry(s), id: `durable:${s.durable}` });
    return out;
  }

  private logRules() {
    const r = this.log?.rules;
    return r
      ? { keep: r.keep, skip: r.skip, keepRealtime: r.keepRealtime }
      : { keep: [], skip: [], keepRealtime: false };
  }

  private broadcastInterest(delta: { add: InterestEntry[]; remove: string[] }): number {
    // Detached durables are announced under a stable id so that clients keep sending their events here.
    for (const id of delta.remove) {
      const s = this.subs.get(id);
      if (s?.durable && !s.owner) delta.add.push({ ...this.entry(s), id: `durable:${s.durable}` });
    }
    for (const a of delta.add)
      if (!a.id.startsWith('durable:')) {
        const s = this.subs.get(a.id);
        if (s?.durable) delta.remove.push(`durable:${s.durable}`);
      }
    const version = ++this.interestVersion;
    for (const c of this.clients.values())
      c.post({ type: 'interest', version, add: delta.add, remove: delta.remove });
    return version;
  }

  private openLane(sub: HubSubscription, publisher: HubClient): void {
    const owner = sub.owner ? this.clients.get(sub.owner.id) : undefined;
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

  private closeLanes(which: (l: Lane) => boolean): void {
    for (const l of [...this.lanes.values()]) {
      if (!which(l)) continue;
      this.lanes.delete(l.id);
      l.publisher.post({ type: 'lane.close', laneId: l.id });
      const owner = l.sub.owner ? this.clients.get(l.sub.owner.id) : undefined;
      owner?.post({ type: 'lane.close', laneId: l.id });
    }
  }

  private async answer(client: HubClient, reqId: number, name: string, params: unknown): Promise<void> {
    try {
      const result = await this.control(name as keyof HubRequests, params);
      client.post({ type: 'response', reqId, result });
    } catch (err) {
      client.post({ type: 'response', reqId, error: toWireError(err) });
    }
  }

  private requireLog(): EventLog {
    if (!this.log) throw new Error('this hub has no event log (it was started without a database)');
    return this.log;
  }

  async control<K extends keyof HubRequests>(name: K, params: unknown): Promise<HubRequests[K]['result']> {
    type R = HubRequests[K]['result'];
    const p = (params ?? {}) as never;
    switch (name) {
      case 'ping':
        return { hubId: this.id } as R;
      case 'stats':
        return (await this.stats()) as R;
      case 'log.configure': {
        const rules = this.requireLog().configure(p);
        const version = ++this.interestVersion;
        for (const c of this.clients.values())
          c.post({ type: 'interest', version, add: [], remove: [], log: this.logRules() });
        return rules as R;
      }
      case 'log.query':
        return (await this.requireLog().query(p)) as R;
      case 'log.export':
        return (await this.requireLog().exportJsonl(p)) as R;
      case 'log.import':
        return (await this.requireLog().importJsonl((p as { jsonl: string }).jsonl)) as R;
      case 'log.compact':
        return (await this.requireLog().compact()) as R;
      case 'log.replay':
        return (await this.replay(p)) as R;
      default:
        throw new Error(`unknown hub request "${String(name)}"`);
    }
  }

  /**
   * Re-publishes logged events in their original order. speed 'max': as fast as routing allows; a number:
   * that many times real time, keeping the original gaps between events.
   */
  private async replay(q: HubRequests['log.replay']['params']): Promise<{ replayed: number }> {
    const events = await this.requireLog().query(q);
    const run = ++this.replaySeq;
    const speed = q.speed;
    if (speed !== 'max' && !(typeof speed === 'number' && speed > 0))
      throw new RangeError(`replay speed must be "max" or a number > 0 (got ${String(speed)})`);
    const started = this.now();
    const first = events[0]?.ts ?? 0;
    for (const e of events) {
      if (run !== this.replaySeq) break;
      if (speed !== 'max') {
        const due = started + (e.ts - first) / speed;
        const wait = due - this.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      }
      this.publishReplayed(e);
    }
    return { replayed: events.length };
  }

  private publishReplayed(e: SentioEvent): void {
    const r = this.route(e.topic);
    // An imported log may hold events no client was allowed to publish: they are judged by their source.
    if (r.rules.length && this.publishers.check(e, r.rules, null)) return;
    r.count++;
    for (const s of r.subs) {
      s.offer(e);
      this.routed++;
    }
  }

  /**
   * Events per second per topic over the last whole window. The window rolls only once it is RATE_WINDOW_MS
   * old, and askers within it get the same rates: with several askers (two dashboards, a panel polling
   * faster) each would otherwise see only the events since the previous ask, whoever made it.
   */
  private topicRates(): Record<string, number> {
    const now = this.now();
    if (now - this.rateWindow.at < RATE_WINDOW_MS) return this.lastRates;
    const elapsed = (now - this.rateWindow.at) / 1000;
    const rates: Record<string, number> = {};
    const counts = new Map<string, number>();
    for (const [topic, r] of this.routes) {
      counts.set(topic, r.count);
      const prev = this.rateWindow.counts.get(topic) ?? 0;
      if (r.count > prev) rates[topic] = (r.count - prev) / elapsed;
    }
    this.rateWindow = { at: now, counts };
    this.lastRates = rates;
    return rates;
  }

  async stats(): Promise<HubStats> {
    const topicRates = this.topicRates();
    const subs = new Set([...this.subs.values(), ...this.durables.values()]);
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
      interestTimeouts: this.interestBarrier.timeouts,
      topicRates,
      log: this.log
        ? await this.log.stats()
        : {
            events: 0,
            bytes: 0,
            oldestTs: null,
            newestTs: null,
            compactions: 0,
            quotaErrors: 0,
            notLogged: 0,
          },
    };
  }
}
