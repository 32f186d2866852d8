// Everything the agent runtime keeps in IndexedDB, behind one small interface: the inbox (events accepted
// for an agent), the agent's state row, the actions outbox and the episodic memories. The one rule that
// makes processing exactly-once: a commit records which inbox events are settled, the state they produced,
// their actions and their memories in ONE transaction — and writes one state row however many events it
// settles (group commit), because the settled set lives in that row as a watermark plus a few exceptions.
import { Dexie } from 'dexie';
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
  settledThrough: number;
  settledAbove: number[];
  commitId: number;
}

export interface CommitBatch {
  agentId: string;
  stateVersion: number;
  state: unknown;
  window: WindowEntry[];
  lastEventId: string;
  processed: number;
  /** All of this agent's inbox rows with seq ≤ this are settled, and so are `settledAbove`. */
  settledThrough: number;
  settledAbove: number[];
  /** The commitId this writer last saw; anything else means another writer committed meanwhile. */
  expectedCommitId: number;
  actions: AgentAction[];
  memories: MemoryRow[];
}

/** An agent that has never committed: its initial state, nothing processed or settled. */
export function freshAgent(initialState: unknown, stateVersion: number): LoadedAgent {
  return {
    state: structuredClone(initialState),
    stateVersion,
    lastEventId: '',
    processed: 0,
    window: [],
    restored: false,
    migratedFrom: null,
    settledThrough: 0,
    settledAbove: [],
    commitId: 0,
  };
}

export class OwnershipError extends Error {
  override name = 'OwnershipError';
}

/**
 * How many settled inbox rows each agent keeps to recognise late redeliveries. A settled row keeps only its
 * ids (the event itself is dropped by `prune`): at a few hundred bytes of payload per event, whole rows made
 * this window megabytes per agent.
 */
export const KEEP_DONE = 10_000;

export function createDurableStore(db: SentioDb, now: () => number = Date.now) {
  let commits = 0;
  // Per agent, the settledThrough up to which `prune` has already dropped the events of settled rows, so each
  // row is rewritten once. Lost on restart: the first prune then looks at the whole kept window once.
  const slimmedThrough = new Map<string, number>();

  return {
    /**
     * Writes events into agents' inboxes, skipping any already there (a redelivery). Returns the new rows with
     * their sequence numbers, in order: only those must be forwarded to the worker.
     */
    async accept(
      items: readonly { agentId: string; event: SentioEvent }[],
    ): Promise<(InboxEntry & { agentId: string })[]> {
      // Deduplicate within the batch first; duplicates of rows already stored are refused by the unique
      // [agentId+eventId] index, so the common case (all fresh) costs no read at all.
      const seenInBatch = new Set<string>();
      const rows: (InboxRow & { event: SentioEvent })[] = [];
      for (const { agentId, event } of items) {
        const k = `${agentId}\u0000${event.id}`;
        if (seenInBatch.has(k)) continue;
        seenInBatch.add(k);
        rows.push({ agentId, eventId: event.id, event });
      }
      if (!rows.length) return [];
      return db.transaction('rw', db.inbox, async () => {
        try {
          const seqs = (await db.inbox.bulkAdd(rows, { allKeys: true })) as number[];
          return rows.map((r, i) => ({ agentId: r.agentId, seq: seqs[i]!, event: r.event }));
        } catch (e) {
          if (!(e instanceof Dexie.BulkError)) throw e;
          const failures = Object.values(e.failuresByPos);
          const other = failures.find((f) => f.name !== 'ConstraintError');
          if (other) throw other;
          // Some were redeliveries. The others were added (the failures were caught, so the transaction
          // goes on); look up their sequence numbers.
          const added = rows.filter((_, i) => !(i in e.failuresByPos));
          if (!added.length) return [];
          const stored = await db.inbox
            .where('[agentId+eventId]')
            .anyOf(added.map((r) => [r.agentId, r.eventId]))
            .toArray();
          const seqOf = new Map(stored.map((r) => [`${r.agentId}\u0000${r.eventId}`, r.seq!]));
          return added
            .map((r) => ({
              agentId: r.agentId,
              seq: seqOf.get(`${r.agentId}\u0000${r.eventId}`)!,
              event: r.event,
            }))
            .sort((x, y) => x.seq - y.seq);
        }
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
      const { row, pending, last } = await db.transaction('r', db.agentState, db.inbox, async () => {
        const row = await db.agentState.get(agentId);
        const through = row?.settledThrough ?? 0;
        const above = new Set(row?.settledAbove ?? []);
        const rows = await db.inbox
          .where('[agentId+seq]')
          .between([agentId, through], [agentId, Infinity], false, true)
          .toArray();
        return {
          row,
          pending: rows.filter((r) => !above.has(r.seq!)),
          last: await db.inbox.orderBy(':id').last(),
        };
      });
      const watermark = last?.seq ?? 0;
      const entries = pending.map((r) => ({ seq: r.seq!, event: unsettledEvent(r) }));
      if (!row) {
        return { agent: freshAgent(initialState, stateVersion), pending: entries, watermark };
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
          settledThrough: row.settledThrough ?? 0,
          settledAbove: row.settledAbove ?? [],
          commitId: row.commitId ?? 0,
        },
        pending: entries,
        watermark,
      };
    },

    /** The one transaction of exactly-once processing. Throws OwnershipError if someone else committed meanwhile. */
    async commit(b: CommitBatch): Promise<number> {
      const commitId = b.expectedCommitId + 1;
      await db.transaction('rw', [db.agentState, db.actions, db.memories], async () => {
        // Every request is issued at once, the ownership read first: they run in that order inside the
        // transaction but cost one round trip, not two. A mismatch throws, which aborts the transaction, so
        // nothing written here survives it.
        const current = db.agentState.get(b.agentId);
        const stateRow: AgentStateRow = {
          agentId: b.agentId,
          stateVersion: b.stateVersion,
          state: b.state,
          lastEventId: b.lastEventId,
          processed: b.processed,
          updatedAt: now(),
          window: b.window,
          settledThrough: b.settledThrough,
          settledAbove: b.settledAbove,
          commitId,
        };
        const writes: Promise<unknown>[] = [db.agentState.put(stateRow)];
        if (b.actions.length) {
          writes.push(
            db.actions.bulkPut(
              b.actions.map((a) => ({
                key: a.key,
                agentId: a.agentId,
                eventId: a.eventId,
                ts: now(),
                kind: a.kind,
                payload: a.payload,
                ...(a.privacy ? { privacy: a.privacy } : {}),
                ...(a.publishId ? { publishId: a.publishId } : {}),
                performed: 0 as const,
              })),
            ),
          );
        }
        if (b.memories.length) writes.push(db.memories.bulkPut(b.memories));
        const seen = (await current)?.commitId ?? 0;
        if (seen !== b.expectedCommitId) {
          // The abort fails the writes too; that is the point, not an unhandled rejection.
          void Promise.all(writes).catch(() => {});
          throw new OwnershipError(
            `agent "${b.agentId}": state was committed by another writer (commit ${seen}, expected ${b.expectedCommitId}); is another tab running agents?`,
          );
        }
        await Promise.all(writes);
      });
      if (++commits % 256 === 0) await this.prune(b.agentId, b.settledThrough);
      return commitId;
    },

    /**
     * Housekeeping, not part of correctness: drops the event bodies of settled inbox rows (their ids stay, for
     * the redelivery check in `accept`) and then every settled row beyond the newest `keep` of an agent.
     * Returns how many rows were deleted.
     */
    async prune(agentId: string, settledThrough: number, keep: number = KEEP_DONE): Promise<number> {
      const from = slimmedThrough.get(agentId) ?? -Infinity;
      const deleted = await db.transaction('rw', db.inbox, async () => {
        if (settledThrough > from) {
          await db.inbox
            .where('[agentId+seq]')
            .between([agentId, from], [agentId, settledThrough], false, true)
            .modify((row) => {
              delete row.event;
            });
        }
        const settled = db.inbox
          .where('[agentId+seq]')
          .between([agentId, -Infinity], [agentId, settledThrough], true, true);
        const n = await settled.count();
        if (n <= keep) return 0;
        const old = await settled.limit(n - keep).primaryKeys();
        await db.inbox.bulkDelete(old);
        return old.length;
      });
      // Only once the transaction committed: an aborted prune must try the same rows again.
      if (settledThrough > from) slimmedThrough.set(agentId, settledThrough);
      return deleted;
    },

    async pendingActions(): Promise<AgentAction[]> {
      const rows = await db.actions.where('[performed+ts]').between([0, -Infinity], [0, Infinity]).toArray();
      return rows.map((r) => ({
        key: r.key,
        agentId: r.agentId,
        eventId: r.eventId ?? '',
        kind: r.kind ?? '',
        payload: r.payload,
        privacy: r.privacy ?? 'local',
        ...(r.publishId ? { publishId: r.publishId } : {}),
      }));
    },

    /** Forgets performed actions older than `before` (their keys have done their job by then). */
    async prunePerformed(before: number): Promise<number> {
      return db.actions.where('[performed+ts]').between([1, -Infinity], [1, before], true, false).delete();
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

/** An unsettled row always has its event (only `prune` drops it, and only from settled rows). */
function unsettledEvent(row: InboxRow): SentioEvent {
  if (!row.event)
    throw new Error(
      `inbox row ${row.seq} of agent "${row.agentId}" is pending but has no event (the store is corrupt)`,
    );
  return row.event;
}
