// Tamper-evident audit log of every egress decision: each entry's MAC covers the previous entry's, so
// editing an entry breaks its own MAC and deleting one breaks the link of the next. The head (last seq and
// MAC) is kept beside the chain in the same transaction, and anchored outside the database (audit-anchor.ts),
// so deleting the newest entries, or the whole database, is detected too.
//
// Threat model, honestly: the MACs use a non-extractable HMAC key (audit-key.ts). That defeats anyone who can
// change the stored data but cannot run code in this origin: an edited profile or backup, a tool writing
// the IndexedDB files, a database reset. Recomputing the chain needs the key, and truncating or wiping it
// disagrees with the anchor. It does not defeat code running in this origin (an XSS, a compromised build):
// such code can sign with the key and rewrite both stores; "clear site data" removes key, chain and anchor
// at once. Only a head kept off the device (shown by `head()` for the person to note, or sent elsewhere)
// detects those.
import type { Privacy } from '../events/event';
import type { AuditRow, SentioDb } from '../storage/db';
import { opfsAnchor, type AuditHead, type HeadAnchor } from './audit-anchor';
import { auditKey, hmacHex } from './audit-key';
import { canonicalJson } from '../events/canonical-json';

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
  /** The newest entry's seq and MAC, to keep somewhere off this device. */
  head(): Promise<AuditHead>;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit.head';

type Head = AuditHead;

function hashInput(prevHash: string, seq: number, ts: number, entry: unknown): string {
  return `${prevHash}\n${seq}\n${ts}\n${canonicalJson(entry)}`;
}

export interface AuditLogOptions {
  db: SentioDb;
  now?: () => number;
  /** Where the head is anchored outside the database; the OPFS file by default, null for none. */
  anchor?: HeadAnchor | null;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { db } = options;
  const now = options.now ?? Date.now;
  const anchor = options.anchor !== undefined ? options.anchor : opfsAnchor(db.name);
  let key: Promise<CryptoKey | null> | null = null;
  const signingKey = async (): Promise<CryptoKey> => {
    key ??= auditKey(db, true);
    const k = await key;
    if (!k) throw new Error('audit log: no key');
    return k;
  };
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
      const hash = await hmacHex(await signingKey(), hashInput(head.hash, seq, ts, entry));
      const row: AuditRow = { seq, ts, entry, prevHash: head.hash, hash };
      const committed = await db.transaction('rw', db.settings, db.audit, async () => {
        const current = await readHead();
        if (current.seq !== head.seq || current.hash !== head.hash) return false;
        await db.audit.add(row);
        await db.settings.put({ key: HEAD_KEY, value: { seq, hash } satisfies Head });
        return true;
      });
      if (committed) {
        // After the commit: an anchor behind the chain is fine (a crash in between), one ahead is not.
        await anchor?.write({ seq, hash }).catch(() => undefined);
        return row;
      }
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
    head: readHead,
    async verify() {
      // One consistent snapshot while other threads append: the anchor first (it is written only after its
      // entry committed, so it can never be ahead of what is read next), then chain and head together.
      const anchored = (await anchor?.read().catch(() => null)) ?? null;
      const { rows, head } = await db.transaction('r', db.settings, db.audit, async () => ({
        rows: await db.audit.orderBy('seq').toArray(),
        head: await readHead(),
      }));
      const k = rows.length ? await auditKey(db, false) : null;
      if (rows.length && !k) {
        return {
          ok: false,
          seq: 1,
          problem: 'edited',
          detail: 'the audit key is gone: no entry can be checked',
        };
      }
      let prev: Head = { seq: 0, hash: GENESIS_HASH };
      let anchorSeen = !anchored || anchored.seq === 0;
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
        const expected = await hmacHex(k!, hashInput(row.prevHash, seq, row.ts, row.entry));
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
        if (anchored && seq === anchored.seq) {
          if (row.hash !== anchored.hash) {
            return {
              ok: false,
              seq,
              problem: 'edited',
              detail: `entry ${seq} is not the one anchored outside the database`,
            };
          }
          anchorSeen = true;
        }
        prev = { seq, hash: row.hash };
      }
      if (!anchorSeen) {
        return {
          ok: false,
          seq: prev.seq + 1,
          problem: 'truncated',
          detail: `the log ends at entry ${prev.seq} but it was anchored at entry ${anchored!.seq}`,
        };
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
