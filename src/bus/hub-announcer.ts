// Tells every client what the hub side listens to — which subscriptions exist (interest) and which topics
// the event log keeps — so that each thread sends the hub only events someone wants. Announcements are
// versioned; "subscribed" is answered once every client acknowledged the version that announced it.
import type { ErrorData } from '../platform/error-data';
import type { EventLog } from './event-log';
import { ackedVersion } from './hub-admission';
import type { HubClient } from './hub-port';
import type { HubSubscription } from './hub-subscription';
import { InterestBarrier } from './interest-barrier';
import type { InterestEntry } from './protocol';

export interface AnnouncedState {
  clients(): Iterable<HubClient>;
  /** Subscriptions by their current id. */
  subs: ReadonlyMap<string, HubSubscription>;
  /** Durable subscriptions by name, with or without a thread. */
  durables: ReadonlyMap<string, HubSubscription>;
  /** Other hubs listen to everything (the fallback hub's peers). */
  hasPeers: boolean;
  log: EventLog | undefined;
}

type Delta = { add: InterestEntry[]; remove: string[] };

export class InterestAnnouncer {
  private version = 0;
  private readonly barrier: InterestBarrier;

  constructor(private readonly state: AnnouncedState) {
    this.barrier = new InterestBarrier(() => state.clients());
  }

  /** Waiters released by the deadline instead of by acknowledgements. */
  get timeouts(): number {
    return this.barrier.timeouts;
  }

  /** Everything, for a client that just arrived. */
  snapshot(client: HubClient): void {
    client.post({
      type: 'interest',
      version: this.version,
      reset: true,
      add: this.entries(),
      remove: [],
      log: this.logRules(),
    });
  }

  /** A change to every client; returns the version that carries it. */
  announce(delta: Delta): number {
    const { subs } = this.state;
    // Detached durables are announced under a stable id so that clients keep sending their events here.
    for (const id of delta.remove) {
      const s = subs.get(id);
      if (s?.durable && !s.owner) delta.add.push({ ...entry(s), id: `durable:${s.durable}` });
    }
    for (const a of delta.add)
      if (!a.id.startsWith('durable:')) {
        const s = subs.get(a.id);
        if (s?.durable) delta.remove.push(`durable:${s.durable}`);
      }
    const version = ++this.version;
    for (const c of this.state.clients())
      c.post({ type: 'interest', version, add: delta.add, remove: delta.remove });
    return version;
  }

  added(sub: HubSubscription): number {
    return this.announce({ add: [entry(sub)], remove: [] });
  }

  removed(id: string): number {
    return this.announce({ add: [], remove: [id] });
  }

  announceLogRules(): void {
    const version = ++this.version;
    for (const c of this.state.clients())
      c.post({ type: 'interest', version, add: [], remove: [], log: this.logRules() });
  }

  /** A client's acknowledgement; an error to refuse it with when the version is not one we announced. */
  ack(client: HubClient, m: { version?: unknown }): ErrorData | null {
    const v = ackedVersion(m, this.version);
    if (typeof v !== 'number') return v;
    client.ackedVersion = Math.max(client.ackedVersion, v);
    this.barrier.release();
    return null;
  }

  /** Runs `done` once every client that counts applied `version`. */
  after(version: number, done: () => void): void {
    this.barrier.after(version, done);
  }

  /** A client left: nobody waits for it any more. */
  release(): void {
    this.barrier.release();
  }

  private entries(): InterestEntry[] {
    const out: InterestEntry[] = [];
    // With peers, other tabs may listen to anything: clients send every (non-media) event here.
    if (this.state.hasPeers) out.push({ id: 'peers', pattern: '>', owner: '', lane: false });
    for (const s of this.state.subs.values()) if (s.owner) out.push(entry(s));
    // Durable subscriptions without a thread still want events from everyone.
    for (const s of this.state.durables.values())
      if (!s.owner) out.push({ ...entry(s), id: `durable:${s.durable}` });
    return out;
  }

  private logRules() {
    const r = this.state.log?.rules;
    return r
      ? { keep: r.keep, skip: r.skip, keepRealtime: r.keepRealtime }
      : { keep: [], skip: [], keepRealtime: false };
  }
}

function entry(sub: HubSubscription): InterestEntry {
  return { id: sub.id, pattern: sub.pattern, owner: sub.owner?.id ?? '', lane: sub.lane };
}
