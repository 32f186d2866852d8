// Tamper-evident audit log of every egress decision: each entry's hash covers the previous entry's hash, so
// editing an entry breaks its own hash and deleting one breaks the link of the next. The head (last seq and
// hash) is kept beside the chain in the same transaction, so deleting the newest entries is detected too.
import type { Privacy } from '../events/event';
import type { AuditRow, SentioDb } from '../storage/db';
import { canonicalJson, sha256Hex } from './canonical-json';

export type AuditDecision = 'allowed' | 'denied' | 'aborted' | 'failed' | 'declassified' | 'consent';

export interface AuditEntry {
  /** What was (or would have been) sent: "chat.completions", "audio.transcriptions", "consent.revoke"… */
  what: string;
  capability: string;
  labels: Privacy[];
  endpoint: string;
  bytes: number;
  decision: AuditDecision;
  reason: string;
  requestId?: string;
  /** Fields the gate removed before sending (minimisation), by path. */
  dropped?: string[];
  redactions?: number;
}

export type AuditVerdict =
  | { ok: true; entries: number }
  | { ok: false; seq: number; problem: 'edited' | 'deleted' | 'relinked' | 'truncated'; detail: string };

export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRow>;
  entries(): Promise<AuditRow[]>;
  /** Walks the whole chain; names the first entry that does not check out. */
  verify(): Promise<AuditVerdict>;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit.head';

interface Head {
  seq: number;
  hash: string;
}

function hashInput(prevHash: string, seq: number, ts: number, entry: unknown): string {
  return `${prevHash}\n${seq}\n${ts}\n${canonicalJson(entry)}`;
}

export function createAuditLog(options: { db: SentioDb; now?: () => number }): AuditLog {
  const { db } = options;
  const now = options.now ?? Date.now;
  // Appends from this thread are serialised; appends from other threads are caught by the head check below.
  let tail: Promise<unknown> = Promise.resolve();

  async function readHead(): Promise<Head> {
    const row = await db.settings.get(HEAD_KEY);
    return (row?.value as Head | undefined) ?? { seq: 0, hash: GENESIS_HASH };
  }

  async function appendOnce(entry: AuditEntry): Promise<AuditRow> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const head = await readHead();
      const seq = head.seq + 1;
      const ts = now();
      // Hashing is async (WebCrypto), and an IndexedDB transaction cannot wait for it: hash first, then
      // commit only if nobody moved the head meanwhile.
      const hash = await sha256Hex(hashInput(head.hash, seq, ts, entry));
      const row: AuditRow = { seq, ts, entry, prevHash: head.hash, hash };
      const committed = await db.transaction('rw', db.settings, db.audit, async () => {
        const current = await readHead();
        if (current.seq !== head.seq || current.hash !== head.hash) return false;
        await db.audit.add(row);
        await db.settings.put({ key: HEAD_KEY, value: { seq, hash } satisfies Head });
        return true;
      });
      if (committed) return row;
    }
    throw new Error('audit log: could not append after 20 attempts (another writer keeps moving the head)');
  }

  return {
    append(entry) {
      const next = tail.then(() => appendOnce(entry));
      tail = next.catch(() => undefined);
      return next;
    },
    entries: () => db.audit.orderBy('seq').toArray(),
    async verify() {
      const rows = await db.audit.orderBy('seq').toArray();
      const head = await readHead();
      let prev: Head = { seq: 0, hash: GENESIS_HASH };
      for (const row of rows) {
        const seq = row.seq ?? NaN;
        if (seq !== prev.seq + 1) {
          return {
            ok: false,
            seq: prev.seq + 1,
            problem: 'deleted',
            detail: `entry ${prev.seq + 1} is missing (next stored entry is ${seq})`,
          };
        }
        const expected = await sha256Hex(hashInput(row.prevHash, seq, row.ts, row.entry));
        if (expected !== row.hash) {
          return { ok: false, seq, problem: 'edited', detail: `entry ${seq} does not match its hash` };
        }
        if (row.prevHash !== prev.hash) {
          return {
            ok: false,
            seq,
            problem: 'relinked',
            detail: `entry ${seq} does not link to entry ${prev.seq}'s hash`,
          };
        }
        prev = { seq, hash: row.hash };
      }
      if (head.seq !== prev.seq || head.hash !== prev.hash) {
        return {
          ok: false,
          seq: prev.seq + 1,
          problem: 'truncated',
          detail: `the log ends at entry ${prev.seq} but its head says ${head.seq}`,
        };
      }
      return { ok: true, entries: rows.length };
    },
  };
}
