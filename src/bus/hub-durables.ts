// The hub's register of durable `persist` subscriptions, kept in IndexedDB: a new hub (every tab closed,
// then one reopened) recreates them, detached, before it serves anyone — so what is published before their
// owners subscribe again is kept for them instead of going nowhere.
import type { SentioDb } from '../storage/db';
import { checkPolicy, type BackpressurePolicy } from './policy';

export interface DurableRecord {
  name: string;
  pattern: string;
  policy: BackpressurePolicy;
  credits: number;
}

const PREFIX = 'sentio.bus.durable.';

export interface DurableRegistry {
  save(record: DurableRecord): Promise<void>;
  remove(name: string): Promise<void>;
  /** Every registered subscription; a row that no longer reads as one is skipped (and reported). */
  load(): Promise<DurableRecord[]>;
}

export function createDurableRegistry(db: SentioDb): DurableRegistry {
  return {
    async save(record) {
      await db.settings.put({ key: PREFIX + record.name, value: record });
    },
    async remove(name) {
      await db.settings.delete(PREFIX + name);
    },
    async load() {
      const rows = await db.settings.where('key').startsWith(PREFIX).toArray();
      const out: DurableRecord[] = [];
      for (const { key, value } of rows) {
        const r = value as Partial<DurableRecord> | null;
        try {
          if (typeof r?.name !== 'string' || typeof r.pattern !== 'string')
            throw new TypeError('no name or pattern');
          checkPolicy(r.policy as BackpressurePolicy);
          out.push({ name: r.name, pattern: r.pattern, policy: r.policy!, credits: Number(r.credits) || 1 });
        } catch (err) {
          console.warn(`[sentio hub] durable subscription ${key} not restored: ${(err as Error).message}`);
        }
      }
      return out;
    },
  };
}
