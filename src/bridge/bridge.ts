// The bridge itself (runs in the bridge worker on its own hub port): exported local topics go out through
// the privacy edge, in protobuf, on `<space>.<r|d>.<device>.<topic>`; imported subjects come in through the
// inbound checks and are published on the same local topics with `meta.device` = the sender. An event that
// came from another device is never sent again, and a device skips its own subjects: no loops.
import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import type { Bus, Subscription } from '../bus/types';
import type { SentioEvent } from '../events/event';
import { eventToProto } from '../events/codec-proto';
import { TopicTrie } from '../events/topic-trie';
import type { Edge } from './edge';
import { createInbound } from './inbound';
import type { Outbox } from './outbox';
import { importSubject, subjectFor } from './subjects';
import { keepConnected } from './connection';
import { openDurable, type Durable } from './durable';
import { WindowCounter } from '../platform/window-counter';
import type { BridgeOptions, BridgeState, BridgeStats, PeerStats } from './types';

export interface RunningBridge {
  state(): BridgeState;
  stats(): BridgeStats;
  close(): Promise<void>;
}

interface Peer extends Omit<PeerStats, 'rate'> {
  recent: WindowCounter;
}

const RATE_WINDOW_MS = 5000;
/** Exported events waiting in this worker to be handled; beyond it the oldest go, counted as local-backlog. */
const LOCAL_BACKLOG = 20_000;

class JetStreamNotReadyError extends Error {
  override name = 'JetStreamNotReadyError';
}

export async function runBridge(
  o: Required<Omit<BridgeOptions, 'credentials'>> &
    Pick<BridgeOptions, 'credentials'> & { servers: string[] },
  deps: { bus: Bus; edge: Edge; outbox: Outbox },
): Promise<RunningBridge> {
  const { bus, edge, outbox } = deps;
  const durableTrie = new TopicTrie<true>();
  for (const p of o.durable) durableTrie.add(p, true);
  const withheld: Record<string, number> = {};
  const rejected: Record<string, number> = {};
  const lastErrors: string[] = [];
  const peers = new Map<string, Peer>();
  let exported = 0;
  let imported = 0;
  let duplicates = 0;
  let live: NatsConnection | null = null;
  let durable: Durable | null = null;
  let draining = false;
  let natsSubs: NatsSubscription[] = [];
  const inbound = createInbound({ self: o.device, maxBytes: o.maxInboundBytes, perSecond: o.maxInboundRate });

  const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const noteError = (msg: string) => {
    lastErrors.push(msg);
    if (lastErrors.length > 10) lastErrors.shift();
  };

  function arrive(device: string, topic: string, data: Uint8Array): void {
    const a = inbound.accept(device, topic, data);
    if (a.kind === 'own') return;
    if (a.kind === 'duplicate') {
      duplicates++;
      return;
    }
    if (a.kind === 'rejected') {
      count(rejected, a.error.name);
      noteError(`${a.error.name}: ${a.error.message}`);
      return;
    }
    try {
      bus.publishEvent(a.event);
    } catch (err) {
      count(rejected, (err as Error).name);
      noteError(`${(err as Error).name}: ${(err as Error).message}`);
      return;
    }
    imported++;
    let peer = peers.get(device);
    if (!peer) {
      peer = {
        device,
        received: 0,
        lastTopic: '',
        lastTs: 0,
        recent: new WindowCounter(RATE_WINDOW_MS, Date.now),
      };
      peers.set(device, peer);
    }
    peer.received++;
    peer.lastTopic = a.event.topic;
    peer.lastTs = Date.now();
    peer.recent.hit();
  }

  /** Splits a subject `<space>.<kind>.<device>.<topic>` and hands it to `arrive`. */
  function onMessage(subject: string, data: Uint8Array): void {
    const rest = subject.slice(o.space.length + 3);
    const dot = rest.indexOf('.');
    if (dot <= 0) {
      count(rejected, 'SubjectMismatchError');
      return;
    }
    arrive(rest.slice(0, dot), rest.slice(dot + 1), data);
  }

  async function send(subject: string, bytes: Uint8Array, isDurable: boolean, id: string): Promise<void> {
    if (isDurable) {
      if (!durable) throw new JetStreamNotReadyError('JetStream is not ready yet: kept in the outbox');
      await durable.publish(subject, bytes, id);
    } else live!.publish(subject, bytes);
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (live && outbox.depth() > 0) {
        const rows = await outbox.peek(100);
        if (!rows.length) break;
        // The batch in flight at once (JetStream acks pipeline); order within a batch is not promised.
        const sent = await Promise.allSettled(
          rows.map((r) => send(r.subject, eventToProto(r.event), r.durable === 1, r.event.id)),
        );
        const done = rows.filter((_, i) => sent[i]!.status === 'fulfilled').map((r) => r.seq!);
        exported += done.length;
        await outbox.remove(done);
        const failed = sent.find((x) => x.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } catch (err) {
      noteError(`outbox: ${(err as Error).name}: ${(err as Error).message}`);
    } finally {
      draining = false;
    }
  }

  function queue(subject: string, event: SentioEvent, isDurable: boolean): void {
    void outbox.put(subject, event, isDurable).then((drop) => {
      if (drop) count(withheld, drop);
      // Queued while connected (JetStream not ready, or a publish that failed): send when it can go.
      if (live && durable) void drain();
    });
  }

  function onLocal(local: SentioEvent): void {
    // Imported (from another device): never re-exported.
    if (local.meta?.device !== undefined && local.meta.device !== o.device) return;
    // A `local` event leaves only through its topic's declared step, reduced and relabelled (or not at all).
    const shared = edge.declassify(local);
    if ('withheld' in shared) {
      count(withheld, shared.withheld);
      if (shared.message) noteError(`${local.topic}: ${shared.message}`);
      return;
    }
    const e = shared.event;
    const isDurable = durableTrie.match(e.topic).length > 0;
    const out: SentioEvent = { ...e, meta: { ...e.meta, device: o.device } };
    const bytes = eventToProto(out);
    const d = edge.decide(e, bytes.byteLength);
    if (!d.send) {
      count(withheld, d.reason);
      return;
    }
    const subject = subjectFor(o.space, isDurable ? 'd' : 'r', o.device, e.topic);
    // Realtime events are not worth ordering behind a backlog: straight out when connected, else dropped.
    const behind = draining || outbox.depth() > 0;
    if (!live || (behind && !(e.qos === 'realtime' && !isDurable))) return queue(subject, out, isDurable);
    send(subject, bytes, isDurable, e.id).then(
      () => exported++,
      (err: Error) => {
        noteError(`publish: ${err.name}: ${err.message}`);
        queue(subject, out, isDurable);
      },
    );
  }

  const unRevoked = edge.onRevoked((revoked) => {
    void outbox.purge(revoked).then((n) => {
      if (n) withheld.revoked = (withheld.revoked ?? 0) + n;
    });
  });

  await outbox.load();
  const localSubs: Subscription[] = o.export.map((p) =>
    // A lane: publishers send straight to this worker, one hop instead of two through the hub.
    bus.subscribe(p, onLocal, {
      qos: 'batched',
      lane: true,
      policy: { kind: 'dropOldest', n: LOCAL_BACKLOG },
    }),
  );

  const conn = keepConnected(
    { servers: o.servers, name: `sentio.${o.space}.${o.device}`, credentials: o.credentials },
    {
      up(nc, fresh) {
        if (fresh) {
          // The old subscriptions and JetStream consumers belonged to a connection that is closed now.
          for (const sub of natsSubs) {
            try {
              sub.unsubscribe();
            } catch {
              // already gone with its connection
            }
          }
          durable?.stop();
          durable = null;
          natsSubs = o.import.map((p) =>
            nc.subscribe(importSubject(o.space, 'r', p), {
              callback: (_e, m) => onMessage(m.subject, m.data),
            }),
          );
        }
        // Core NATS is usable at once; durable publishes wait in the outbox until JetStream is ready.
        live = nc;
        void (async () => {
          try {
            durable ??= await openDurable(nc, o, (subject, data) => onMessage(subject, data));
          } catch (err) {
            noteError(`JetStream: ${(err as Error).name}: ${(err as Error).message}`);
          }
          await drain();
        })();
      },
      down() {
        live = null;
      },
      state() {},
    },
  );

  function withheldWithBacklog(): Record<string, number> {
    const out = { ...withheld };
    let backlog = 0;
    for (const sub of localSubs) for (const n of Object.values(sub.stats().dropped)) backlog += n ?? 0;
    if (backlog) out['local-backlog'] = backlog;
    return out;
  }

  return {
    state: () => conn.state(),
    stats: () => ({
      exported,
      imported,
      withheld: withheldWithBacklog(),
      rejected: { ...rejected },
      duplicates,
      outboxDepth: outbox.depth(),
      peers: [...peers.values()].map(({ recent, ...p }) => ({
        ...p,
        rate: recent.count() / (RATE_WINDOW_MS / 1000),
      })),
      lastErrors: [...lastErrors],
    }),
    async close() {
      unRevoked();
      for (const s of localSubs) s.unsubscribe();
      for (const s of natsSubs) s.unsubscribe();
      durable?.stop();
      await conn.close();
    },
  };
}
