// Everything the agent runtime keeps in IndexedDB, behind one small interface: the inbox (events accepted
// for an agent), the agent's state row, the actions outbox and the episodic memories. The one rule that
// makes processing exactly-once: a commit marks its events done in the inbox, writes the state they
// produced and records their actions and memories in ONE transaction.
import type { SentioEvent } from '../events/event';
import type { AgentStateRow, InboxRow, MemoryRow, SentioDb } from '../storage/db';
import { StateMigrationError } from './errors';
import type { AgentAction, WindowEntry } from './types';

export interface InboxEntry {
  seq: number;
  event: SentioEvent;
}

export interface LoadedAgent {
  state: unknown;
  stateVersion: number;
  lastEventId: string;
  processed: number;
  window: WindowEntry[];
  /** Whether the state came from the database (false: a fresh agent starting from initialState). */
  restored: boolean;
  /** Whether a migration ran on load (the migrated state is written by the next commit). */
  migratedFrom: number | null;
}

export interface CommitBatch {
  agentId: string;
  stateVersion: number;
  state: unknown;
  window: WindowEntry[];
  lastEventId: string;
  processed: number;
  /** Events settled by this commit and how. */
  settled: { eventId: string; seq: number; outcome: NonNullable<InboxRow['outcome']> }[];
  actions: AgentAction[];
  memories: MemoryRow[];
}

export class OwnershipError extends Error {
  override name = 'OwnershipError';
}

/** How many settled inbox rows each agent keeps to recognise late redeliveries. */
export const KEEP_DONE = 10_000;

export function createDurableStore(db: SentioDb, now: () => number = Date.now) {
  let commits = 0;

  return {
    /**
     * Writes events into agents' inboxes, skipping any already there (a redelivery). Returns the new rows with
     * their sequence numbers, in order: only those must be forwarded to the worker.
     */
    async accept(
      items: readonly { agentId: string; event: SentioEvent }[],
    ): Promise<(InboxEntry & { agentId: string })[]> {
      return db.transaction('rw', db.inbox, async () => {
        const existing = await db.inbox
          .where('[agentId+eventId]')
          .anyOf(items.map((i) => [i.agentId, i.event.id]))
          .primaryKeys();
        const seen = new Set<string>();
        if (existing.length) {
          const rows = await db.inbox.bulkGet(existing);
          for (const r of rows) if (r) seen.add(`${r.agentId}\u0000${r.eventId}`);
        }
        const fresh: (InboxRow & { event: SentioEvent })[] = [];
        for (const { agentId, event } of items) {
          const k = `${agentId}\u0000${event.id}`;
          if (seen.has(k)) continue;
          seen.add(k);
          fresh.push({ agentId, eventId: event.id, done: 0, event });
        }
        if (!fresh.length) return [];
        const seqs = (await db.inbox.bulkAdd(fresh, { allKeys: true })) as number[];
        return fresh.map((r, i) => ({ agentId: r.agentId, seq: seqs[i]!, event: r.event }));
      });
    },

    /**
     * The agent's committed state and every event still waiting for it, read in one transaction, with the
     * highest inbox sequence number at that moment: anything forwarded later with a seq at or below it was
     * covered by this read.
     */
    async load(
      agentId: string,
      initialState: unknown,
      stateVersion: number,
      migrate: ((state: unknown, from: number) => unknown) | undefined,
    ): Promise<{ agent: LoadedAgent; pending: InboxEntry[]; watermark: number }> {
      const { row, pending, last } = await db.transaction('r', db.agentState, db.inbox, async () => ({
        row: await db.agentState.get(agentId),
        pending: await db.inbox
          .where('[agentId+done+seq]')
          .between([agentId, 0, -Infinity], [agentId, 0, Infinity])
          .toArray(),
        last: await db.inbox.orderBy(':id').last(),
      }));
      const watermark = last?.seq ?? 0;
      // Pending rows always carry their event (only settled rows drop it).
      const entries = pending.map((r) => ({ seq: r.seq!, event: r.event! }));
      if (!row) {
        return {
          agent: {
            state: structuredClone(initialState),
            stateVersion,
            lastEventId: '',
            processed: 0,
            window: [],
            restored: false,
            migratedFrom: null,
          },
          pending: entries,
          watermark,
        };
      }
      let state = row.state;
      let migratedFrom: number | null = null;
      if (row.stateVersion !== stateVersion) {
        if (row.stateVersion > stateVersion)
          throw new StateMigrationError(
            `agent "${agentId}": stored state is version ${row.stateVersion}, newer than this code's ${stateVersion}`,
          );
        if (!migrate)
          throw new StateMigrationError(
            `agent "${agentId}": stored state is version ${row.stateVersion}, code expects ${stateVersion} and has no migrate()`,
          );
        try {
          state = migrate(row.state, row.stateVersion);
        } catch (e) {
          throw new StateMigrationError(
            `agent "${agentId}": migrate() from version ${row.stateVersion} failed: ${(e as Error).message}`,
          );
        }
        migratedFrom = row.stateVersion;
      }
      return {
        agent: {
          state,
          stateVersion,
          lastEventId: row.lastEventId,
          processed: row.processed,
          window: (row.window as WindowEntry[] | undefined) ?? [],
          restored: true,
          migratedFrom,
        },
        pending: entries,
        watermark,
      };
    },

    /** The one transaction of exactly-once processing. Throws OwnershipError if an event was settled by someone else. */
    async commit(b: CommitBatch): Promise<void> {
      await db.transaction('rw', [db.inbox, db.agentState, db.actions, db.memories], async () => {
        const rows = await db.inbox.bulkGet(b.settled.map((x) => x.seq));
        const done: InboxRow[] = [];
        b.settled.forEach((x, i) => {
          const r = rows[i];
          if (r && r.done === 1)
            throw new OwnershipError(
              `agent "${b.agentId}": event ${x.eventId} was already settled (${r.outcome}); is another tab running agents?`,
            );
          // A settled row keeps only what recognising a redelivery needs; the event itself is not kept.
          if (r)
            done.push({ seq: x.seq, agentId: b.agentId, eventId: x.eventId, done: 1, outcome: x.outcome });
        });
        await db.inbox.bulkPut(done);
        const stateRow: AgentStateRow = {
          agentId: b.agentId,
          stateVersion: b.stateVersion,
          state: b.state,
          lastEventId: b.lastEventId,
          processed: b.processed,
          updatedAt: now(),
          window: b.window,
        };
        await db.agentState.put(stateRow);
        if (b.actions.length) {
          await db.actions.bulkPut(
            b.actions.map((a) => ({
              key: a.key,
              agentId: a.agentId,
              eventId: a.eventId,
              ts: now(),
              kind: a.kind,
              payload: a.payload,
              performed: 0 as const,
            })),
          );
        }
        if (b.memories.length) await db.memories.bulkPut(b.memories);
      });
      if (++commits % 256 === 0) await this.prune(b.agentId);
    },

    /** Drops settled inbox rows beyond the newest KEEP_DONE of an agent. */
    async prune(agentId: string, keep: number = KEEP_DONE): Promise<number> {
      return db.transaction('rw', db.inbox, async () => {
        const done = db.inbox
          .where('[agentId+done+seq]')
          .between([agentId, 1, -Infinity], [agentId, 1, Infinity]);
        const n = await done.count();
        if (n <= keep) return 0;
        const old = await done.limit(n - keep).primaryKeys();
        await db.inbox.bulkDelete(old);
        return old.length;
      });
    },

    async pendingActions(): Promise<AgentAction[]> {
      const rows = await db.actions.where('[performed+ts]').between([0, -Infinity], [0, Infinity]).toArray();
      return rows.map((r) => ({
        key: r.key,
        agentId: r.agentId,
        eventId: r.eventId ?? '',
        kind: r.kind ?? '',
        payload: r.payload,
      }));
    },

    async markPerformed(keys: readonly string[]): Promise<void> {
      await db.transaction('rw', db.actions, async () => {
        const rows = await db.actions.bulkGet([...keys]);
        await db.actions.bulkPut(
          rows.filter((r) => r !== undefined).map((r) => ({ ...r, performed: 1 as const })),
        );
      });
    },
  };
}

export type DurableStore = ReturnType<typeof createDurableStore>;
