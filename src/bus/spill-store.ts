// IndexedDB home of `persist` backlogs: what does not fit in memory, or what waits for a consumer that is gone,
// waits here, in order, per queue name.
import type { SentioEvent } from '../events/event';
import type { SentioDb } from '../storage/db';
import type { SpillStore } from './policy-queue';

export function createSpillStore(db: SentioDb): SpillStore {
  return {
    async append(queue, events) {
      await db.spill.bulkAdd(events.map((event) => ({ queue, event })));
    },
    async takeOldest(queue, limit) {
      return db.transaction('rw', db.spill, async () => {
        const rows = await db.spill
          .where('[queue+key]')
          .between([queue, -Infinity], [queue, Infinity])
          .limit(limit)
          .toArray();
        await db.spill.bulkDelete(rows.map((r) => r.key!));
        return rows.map((r) => r.event as SentioEvent);
      });
    },
    async prepend(queue, events) {
      await db.transaction('rw', db.spill, async () => {
        const range = db.spill.where('[queue+key]').between([queue, -Infinity], [queue, Infinity]);
        const rows = await range.toArray();
        await db.spill.bulkDelete(rows.map((r) => r.key!));
        // Re-added after `events`: new keys, same order, so the oldest stays first.
        await db.spill.bulkAdd([
          ...events.map((event) => ({ queue, event })),
          ...rows.map((r) => ({ queue, event: r.event })),
        ]);
      });
    },
    count(queue) {
      return db.spill.where('[queue+key]').between([queue, -Infinity], [queue, Infinity]).count();
    },
  };
}
