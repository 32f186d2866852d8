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

/**
 * The hub's durable subscriptions by name: those whose owners are connected, those detached, and those
 * recreated from the register and not yet claimed by their owners.
 */
export class DurableSubscriptions<
  S extends { readonly pattern: string; readonly durable?: string | undefined },
> {
  readonly byName = new Map<string, S>();
  /** Recreated from the register and not yet claimed: a subscriber with a new pattern replaces them. */
  private readonly unclaimed = new Set<string>();

  constructor(private readonly registry: DurableRegistry | undefined) {}

  /** Recreates every registered durable with `adopt` (which adds it to the hub), detached and unclaimed. */
  async restore(adopt: (record: DurableRecord) => S): Promise<void> {
    if (!this.registry) return;
    const records = await this.registry.load().catch((err: unknown) => {
      console.warn(`[sentio hub] durable subscriptions not restored: ${(err as Error).message}`);
      return [] as DurableRecord[];
    });
    for (const r of records) {
      if (this.byName.has(r.name)) continue;
      this.byName.set(r.name, adopt(r));
      this.unclaimed.add(r.name);
    }
  }

  /**
   * The durable subscription `name` an owner's subscribe takes over, if any. One recreated from the register
   * with another pattern was registered by an older version of its owner: `replace` ends it, so the new
   * definition wins and adopts its stored rows.
   */
  claim(name: string | undefined, pattern: string, replace: (old: S) => void): S | undefined {
    if (typeof name !== 'string') return undefined;
    let existing = this.byName.get(name);
    if (existing && this.unclaimed.has(name) && existing.pattern !== pattern) {
      replace(existing);
      existing = undefined;
    }
    this.unclaimed.delete(name);
    return existing;
  }

  /** A new subscription; a durable one is kept by name, and a durable `persist` one registered for new hubs. */
  added(sub: S, w: Omit<DurableRecord, 'name'> & { durable?: string | undefined }): void {
    if (!w.durable) return;
    const record: DurableRecord = {
      name: w.durable,
      pattern: w.pattern,
      policy: w.policy,
      credits: w.credits,
    };
    this.byName.set(record.name, sub);
    if (record.policy.kind !== 'persist') return;
    void this.registry
      ?.save(record)
      .catch((err: unknown) =>
        console.warn(`[sentio hub] durable ${record.name} not registered: ${(err as Error).message}`),
      );
  }

  /** Unsubscribed for good: forgotten here and in the register. */
  removed(sub: S): void {
    if (!sub.durable) return;
    this.byName.delete(sub.durable);
    this.unclaimed.delete(sub.durable);
    void this.registry?.remove(sub.durable).catch(() => {});
  }
}
