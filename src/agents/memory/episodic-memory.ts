// Long-term episodic memory: episodes with embeddings in IndexedDB, searched by cosine similarity on the
// device, evicted by TTL and, past a per-agent limit, by importance; pinned episodes are never evicted.
import type { MemoryRow, SentioDb } from '../../storage/db';
import { cosine, topK, type EmbeddingProvider } from './embedding-provider';
import type { Recollection } from '../types';

export interface MemoryLimits {
  ttlMs: number;
  maxEpisodes: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { ttlMs: 7 * 24 * 3600_000, maxEpisodes: 10_000 };

function live(row: MemoryRow, now: number): boolean {
  return row.pinned === 1 || row.expiresAt > now;
}

function toRecollection(row: MemoryRow, score: number): Recollection {
  const r: Recollection = {
    id: row.id,
    text: row.text,
    score,
    importance: row.importance,
    pinned: row.pinned === 1,
    createdAt: row.createdAt,
  };
  if (row.data !== undefined) r.data = row.data;
  return r;
}

export function createEpisodicMemory(db: SentioDb, provider: EmbeddingProvider) {
  return {
    provider,

    /** Builds a row (not yet stored): the caller commits it with the event that produced it. */
    async episode(
      agentId: string,
      id: string,
      text: string,
      opts: { importance: number; pinned: boolean; ttlMs: number; now: number; data?: unknown },
    ): Promise<MemoryRow> {
      const [embedding] = await provider.embed([text]);
      const row: MemoryRow = {
        id,
        agentId,
        text,
        embedding: embedding!,
        importance: Math.min(1, Math.max(0, opts.importance)),
        pinned: opts.pinned ? 1 : 0,
        createdAt: opts.now,
        expiresAt: opts.now + opts.ttlMs,
      };
      if (opts.data !== undefined) row.data = opts.data;
      return row;
    },

    /** Top-k live episodes of the agent by meaning; `extra` are episodes staged but not yet committed. */
    async recall(agentId: string, query: string, k: number, now: number, extra: readonly MemoryRow[] = []) {
      const [q] = await provider.embed([query]);
      const stored = await db.memories.where('agentId').equals(agentId).toArray();
      const staged = new Set(extra.map((r) => r.id));
      const rows = [...stored.filter((r) => !staged.has(r.id)), ...extra].filter(
        (r) => live(r, now) && r.embedding.length === q!.length,
      );
      return topK(rows, (r) => cosine(q!, r.embedding), k).map(({ item, score }) =>
        toRecollection(item, score),
      );
    },

    /** Deletes expired unpinned episodes, then the least important unpinned ones beyond maxEpisodes. */
    async evict(
      agentId: string,
      now: number,
      limits: MemoryLimits,
    ): Promise<{ expired: number; overflow: number }> {
      return db.transaction('rw', db.memories, async () => {
        const rows = await db.memories.where('agentId').equals(agentId).toArray();
        const expired = rows.filter((r) => !live(r, now)).map((r) => r.id);
        const alive = rows.filter((r) => live(r, now));
        const unpinned = alive
          .filter((r) => r.pinned === 0)
          .sort((a, b) => a.importance - b.importance || a.createdAt - b.createdAt);
        const over = Math.max(0, alive.length - limits.maxEpisodes);
        const overflow = unpinned.slice(0, over).map((r) => r.id);
        await db.memories.bulkDelete([...expired, ...overflow]);
        return { expired: expired.length, overflow: overflow.length };
      });
    },

    async count(agentId: string): Promise<number> {
      return db.memories.where('agentId').equals(agentId).count();
    },
  };
}

export type EpisodicMemory = ReturnType<typeof createEpisodicMemory>;
