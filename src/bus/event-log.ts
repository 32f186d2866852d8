// The event log: which events are kept follows the retention rules (realtime frames are not kept by default,
// derived events are); retention by age and total size with compaction; a quota error is answered by
// compacting harder, never by crashing. Replay reads it back in publish order.
import type { SentioEvent } from '../events/event';
import { eventFromJson, eventsToJsonl } from '../events/codec-json';
import { TopicTrie } from '../events/topic-trie';
import { measurePayload, DEFAULT_LIMITS } from '../events/validate';
import type { LoggedEvent, SentioDb } from '../storage/db';
import { isQuotaError } from '../storage/quota-error';

export interface LogRetention {
  /** Topic patterns the log keeps. */
  keep: string[];
  /** Topic patterns it never keeps, whatever `keep` says. */
  skip: string[];
  /** Realtime events (frames, audio chunks) are not kept unless this is set. */
  keepRealtime: boolean;
  maxAgeMs: number;
  maxBytes: number;
}

export const DEFAULT_RETENTION: LogRetention = {
  keep: ['>'],
  skip: ['_inbox.>'],
  keepRealtime: false,
  maxAgeMs: 24 * 3600 * 1000,
  maxBytes: 64 * 1024 * 1024,
};

export interface LogQuery {
  /** Inclusive bounds on the event's `ts`. */
  from?: number;
  to?: number;
  /** Only events whose topic matches one of these patterns. */
  patterns?: string[];
  limit?: number;
}

export interface LogStats {
  events: number;
  bytes: number;
  oldestTs: number | null;
  newestTs: number | null;
  compactions: number;
  quotaErrors: number;
  /** Log entries given up after compaction could not make room (the events themselves were delivered). */
  notLogged: number;
}

/** What a hub without a database (hence without a log) reports. */
export const NO_LOG_STATS: LogStats = Object.freeze({
  events: 0,
  bytes: 0,
  oldestTs: null,
  newestTs: null,
  compactions: 0,
  quotaErrors: 0,
  notLogged: 0,
});

const ROW_OVERHEAD = 160;

/**
 * What a row costs in the log, by the same measure as the hub's size limit (the entries of Map, Set and
 * Error count too, so size-based retention sees them); null for media, which the log does not keep.
 */
function rowBytes(e: SentioEvent): number | null {
  const size = measurePayload(e.payload, DEFAULT_LIMITS);
  if ('reason' in size || size.mediaBytes > 0) return null;
  return size.bytes + ROW_OVERHEAD;
}

export class EventLog {
  private retention: LogRetention = DEFAULT_RETENTION;
  private keepTrie = new TopicTrie<true>();
  private skipTrie = new TopicTrie<true>();
  private bytes: number | null = null;
  private pending: LoggedEvent[] = [];
  private writing: Promise<void> = Promise.resolve();
  private compactions = 0;
  private quotaErrors = 0;
  private notLogged = 0;

  constructor(
    private readonly db: SentioDb,
    private readonly now: () => number = Date.now,
  ) {
    this.configure(DEFAULT_RETENTION);
  }

  configure(r: Partial<LogRetention>): LogRetention {
    const next = { ...this.retention, ...r };
    const keep = new TopicTrie<true>();
    const skip = new TopicTrie<true>();
    for (const p of next.keep) keep.add(p, true);
    for (const p of next.skip) skip.add(p, true);
    this.retention = next;
    this.keepTrie = keep;
    this.skipTrie = skip;
    return next;
  }

  get rules(): LogRetention {
    return this.retention;
  }

  shouldKeep(e: SentioEvent): boolean {
    if (e.qos === 'realtime' && !this.retention.keepRealtime) return false;
    if (this.skipTrie.match(e.topic).length) return false;
    return this.keepTrie.match(e.topic).length > 0;
  }

  /** Queues the events the rules keep; written in one transaction per tick. */
  offer(events: readonly SentioEvent[]): void {
    for (const e of events) {
      if (!this.shouldKeep(e)) continue;
      const bytes = rowBytes(e);
      if (bytes === null) continue; // Media stays out of the log.
      this.pending.push({ id: e.id, topic: e.topic, ts: e.ts, bytes, event: e });
    }
    if (this.pending.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  private flushScheduled = false;

  /** Resolves when everything offered so far is written (or given up after a quota error). */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const rows = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => this.write(rows));
    return this.writing;
  }

  private async write(rows: LoggedEvent[]): Promise<void> {
    try {
      await this.db.events.bulkAdd(rows);
    } catch (err) {
      if (isQuotaError(err)) {
        this.quotaErrors++;
        await this.compact(true);
        try {
          await this.db.events.bulkAdd(rows);
        } catch (again) {
          if (!isQuotaError(again) && !(again as { name?: string }).name?.includes('Constraint')) throw again;
          this.notLogged += rows.length;
          return;
        }
      } else if ((err as { name?: string }).name === 'BulkError') {
        // Duplicate ids (a replay re-publishing logged events): the originals are already kept.
        const failed = (err as { failures?: unknown[] }).failures?.length ?? 0;
        rows = rows.slice(0, rows.length - failed);
      } else {
        throw err;
      }
    }
    const added = rows.reduce((a, r) => a + r.bytes, 0);
    const total = (await this.totalBytes()) + added;
    this.bytes = total;
    if (total > this.retention.maxBytes) await this.compact(false);
  }

  private async totalBytes(): Promise<number> {
    if (this.bytes === null) {
      let sum = 0;
      await this.db.events.each((r) => void (sum += r.bytes));
      this.bytes = sum;
    }
    return this.bytes;
  }

  /** Deletes what is older than maxAgeMs, then the oldest until under maxBytes (or under half, `hard`). */
  async compact(hard = false): Promise<LogStats> {
    this.compactions++;
    await this.db.events
      .where('ts')
      .below(this.now() - this.retention.maxAgeMs)
      .delete();
    this.bytes = null;
    let total = await this.totalBytes();
    const budget = hard ? Math.min(this.retention.maxBytes, total) / 2 : this.retention.maxBytes;
    while (total > budget) {
      const oldest = await this.db.events.orderBy('seq').limit(256).toArray();
      if (oldest.length === 0) break;
      let freed = 0;
      const keys: number[] = [];
      for (const r of oldest) {
        if (total - freed <= budget) break;
        freed += r.bytes;
        keys.push(r.seq!);
      }
      await this.db.events.bulkDelete(keys);
      total -= freed;
    }
    this.bytes = total;
    return this.stats();
  }

  async query(q: LogQuery = {}): Promise<SentioEvent[]> {
    await this.flush();
    const patterns = q.patterns?.length ? q.patterns : ['>'];
    const trie = new TopicTrie<true>();
    for (const p of patterns) trie.add(p, true);
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const limit = q.limit ?? Infinity;
    const out: SentioEvent[] = [];
    await this.db.events
      .orderBy('seq')
      .until(() => out.length >= limit)
      .each((r) => {
        if (r.ts >= from && r.ts <= to && trie.match(r.topic).length) out.push(r.event);
      });
    return out.slice(0, limit === Infinity ? undefined : limit);
  }

  async exportJsonl(q: LogQuery = {}): Promise<string> {
    return eventsToJsonl(await this.query(q));
  }

  /** Every line is validated; a bad line is reported by number and skipped, the rest are imported. */
  async importJsonl(jsonl: string): Promise<{ imported: number; errors: string[] }> {
    const errors: string[] = [];
    const events: SentioEvent[] = [];
    jsonl.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        events.push(eventFromJson(line, DEFAULT_LIMITS, i + 1));
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    const before = await this.db.events.count();
    for (const e of events) {
      const bytes = rowBytes(e);
      if (bytes !== null) this.pending.push({ id: e.id, topic: e.topic, ts: e.ts, bytes, event: e });
    }
    await this.flush();
    return { imported: (await this.db.events.count()) - before, errors };
  }

  async stats(): Promise<LogStats> {
    const [events, first, last] = await Promise.all([
      this.db.events.count(),
      this.db.events.orderBy('ts').first(),
      this.db.events.orderBy('ts').last(),
    ]);
    return {
      events,
      bytes: await this.totalBytes(),
      oldestTs: first?.ts ?? null,
      newestTs: last?.ts ?? null,
      compactions: this.compactions,
      quotaErrors: this.quotaErrors,
      notLogged: this.notLogged,
    };
  }
}
