// The router's decision records: training data for the learned router, not state. They are written behind,
// in one transaction per tick, so that a decision costs no IndexedDB round trip of its own; an outcome that
// arrives while its row is still queued joins the row instead of costing a second write.
import type { DecisionRow, SentioDb } from '../storage/db';

export type OutcomeValues = Record<string, number | string | boolean>;

export interface DecisionLog {
  record(row: DecisionRow): void;
  outcome(id: string, values: OutcomeValues): Promise<void>;
  /** Resolves when every record so far is in IndexedDB. */
  flush(): Promise<void>;
}

/** Without a database every call is a no-op: the router still decides, it just keeps no history. */
export function createDecisionLog(db: SentioDb | undefined): DecisionLog {
  const pending = new Map<string, DecisionRow>();
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;

  function writeBehind(store: SentioDb): void {
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      const rows = [...pending.values()];
      pending.clear();
      writing = writing
        .then(() => store.decisions.bulkPut(rows))
        .then(
          () => undefined,
          // Never swallowed: reportError in browsers, the console where it is missing (Node).
          (err: unknown) => (typeof reportError === 'function' ? reportError(err) : console.error(err)),
        );
    }, 0);
  }

  return {
    record(row) {
      if (!db) return;
      pending.set(row.id, row);
      writeBehind(db);
    },
    async outcome(id, values) {
      if (!db) return;
      const queued = pending.get(id);
      if (queued) {
        queued.outcome = { ...queued.outcome, ...values };
        return;
      }
      await writing;
      await db.decisions
        .where('id')
        .equals(id)
        .modify((row) => {
          row.outcome = { ...row.outcome, ...values };
        });
    },
    async flush() {
      while (scheduled || pending.size) await new Promise((resolve) => setTimeout(resolve, 0));
      await writing;
    },
  };
}
