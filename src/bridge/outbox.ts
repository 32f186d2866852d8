// Exported events waiting for the server, in IndexedDB so a reload or crash does not lose them. Bounded:
// realtime events are not worth keeping (they are dropped while offline), and when the outbox is full the
// oldest non-durable event goes first, then the oldest durable one. Every drop is counted by reason.
import type { SentioEvent } from '../events/event';
import type { BridgeOutboxRow, SentioDb } from '../storage/db';

export interface Outbox {
  /** Keeps an event for later; returns the drop reason when something had to give. */
  put(subject: string, event: SentioEvent, durable: boolean): Promise<string | null>;
  /** Oldest first, up to `limit`. */
  peek(limit: number): Promise<BridgeOutboxRow[]>;
  remove(seqs: number[]): Promise<void>;
  /** Removes every waiting event matching `drop` (a revoked consent); returns how many. */
  purge(drop: (event: SentioEvent) => boolean): Promise<number>;
  depth(): number;
  load(): Promise<void>;
}

export function createOutbox(db: SentioDb, bridge: string, limit: number): Outbox {
  let depth = 0;
  const mine = () => db.bridgeOutbox.where('[bridge+seq]').between([bridge, -Infinity], [bridge, Infinity]);

  return {
    depth: () => depth,
    async load() {
      depth = await mine().count();
    },
    async put(subject, event, durable) {
      if (event.qos === 'realtime' && !durable) return 'realtime-offline';
      let dropped: string | null = null;
      await db.transaction('rw', db.bridgeOutbox, async () => {
        if (depth >= limit) {
          const rows = await mine()
            .limit(limit + 1)
            .toArray();
          const victim = rows.find((r) => r.durable === 0) ?? rows[0];
          if (victim?.seq !== undefined) {
            await db.bridgeOutbox.delete(victim.seq);
            depth--;
            dropped = 'overflow';
          }
        }
        await db.bridgeOutbox.add({ bridge, subject, durable: durable ? 1 : 0, event });
        depth++;
      });
      return dropped;
    },
    peek: (n) => mine().limit(n).toArray(),
    async remove(seqs) {
      await db.bridgeOutbox.bulkDelete(seqs);
      depth = Math.max(0, depth - seqs.length);
    },
    async purge(drop) {
      const rows = (await mine().toArray()).filter((r) => drop(r.event));
      await db.bridgeOutbox.bulkDelete(rows.map((r) => r.seq!));
      depth = Math.max(0, depth - rows.length);
      return rows.length;
    },
  };
}
