// IndexedDB home of `persist` backlogs: every event a persist queue accepts is written here (write-through)
// and stays until its consumer acknowledges it, in order, per queue name — so a backlog outlives the thread
// (or the SharedWorker hub) that held it.
import type { SentioEvent } from '../events/event';
import type { SentioDb } from '../storage/db';

/** Where `persist` keeps its backlog. Rows of one queue are ordered by key = order of arrival. */
export interface SpillStore {
  /**
   * One transaction: appends `events` after what `queue` holds, then deletes its oldest `acknowledged` rows
   * (acknowledged events are always the oldest). Resolves with the new rows' keys, in order.
   */
  write(queue: string, events: readonly SentioEvent[], acknowledged: number): Promise<number[]>;
  /** Up to `limit` rows of `queue` with key ≥ `fromKey`, oldest first. */
  readFrom(queue: string, fromKey: number, limit: number): Promise<{ key: number; event: SentioEvent }[]>;
  /** How many rows `queue` holds, and the key of its oldest (null when empty). */
  extent(queue: string): Promise<{ count: number; first: number | null }>;
  count(queue: string): Promise<number>;
  /** Forgets everything `queue` holds (a non-durable queue that closed). */
  clear(queue: string): Promise<void>;
}

export function createSpillStore(db: SentioDb): SpillStore {
  const rowsOf = (queue: string, from = -Infinity) =>
    db.spill.where('[queue+key]').between([queue, from], [queue, Infinity], true, true);
  return {
    write(queue, events, acknowledged) {
      return db.transaction('rw', db.spill, async () => {
        const keys = events.length
          ? ((await db.spill.bulkAdd(
              events.map((event) => ({ queue, event })),
              { allKeys: true },
            )) as number[])
          : [];
        if (acknowledged > 0)
          await db.spill.bulkDelete(await rowsOf(queue).limit(acknowledged).primaryKeys());
        return keys;
      });
    },
    async readFrom(queue, fromKey, limit) {
      const rows = await rowsOf(queue, fromKey).limit(limit).toArray();
      return rows.map((r) => ({ key: r.key!, event: r.event as SentioEvent }));
    },
    async extent(queue) {
      return db.transaction('r', db.spill, async () => {
        const count = await rowsOf(queue).count();
        const first = count ? ((await rowsOf(queue).first())?.key ?? null) : null;
        return { count, first };
      });
    },
    count(queue) {
      return rowsOf(queue).count();
    },
    async clear(queue) {
      await rowsOf(queue).delete();
    },
  };
}
