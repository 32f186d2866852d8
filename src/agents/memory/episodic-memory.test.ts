// Eviction and search bookkeeping over fake-indexeddb. Meaning-based ranking with the real model is tested in
// the browser (e2e/agents.spec.ts); here vectors are written by hand, and the provider refuses to be used
// where no embedding should be computed.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase, type MemoryRow } from '../../storage/db';
import { cosine, EmbeddingError, topK, type EmbeddingProvider } from './embedding-provider';
import { createEpisodicMemory } from './episodic-memory';

const unusable: EmbeddingProvider = {
  id: 'none',
  dimensions: 3,
  embed: () => Promise.reject(new Error('no embedding should be computed here')),
};

function row(id: string, o: Partial<MemoryRow>): MemoryRow {
  return {
    id,
    agentId: 'a',
    text: id,
    embedding: new Float32Array([1, 0, 0]),
    importance: 0.5,
    pinned: 0,
    createdAt: 0,
    expiresAt: 1_000,
    ...o,
  };
}

describe('episodic memory', () => {
  it('evicts expired unpinned episodes, then the least important beyond the limit; pinned ones stay', async () => {
    const db = openDatabase(`mem-${Math.random()}`);
    await db.memories.bulkPut([
      row('old', { expiresAt: 100 }),
      row('old-pinned', { expiresAt: 100, pinned: 1 }),
      row('low', { importance: 0.1 }),
      row('mid', { importance: 0.5 }),
      row('high', { importance: 0.9 }),
      row('pinned-low', { importance: 0, pinned: 1 }),
      row('other-agent', { agentId: 'b', expiresAt: 100 }),
    ]);
    const mem = createEpisodicMemory(db, unusable);
    const r = await mem.evict('a', 500, { ttlMs: 1_000, maxEpisodes: 4 });
    expect(r).toEqual({ expired: 1, overflow: 1 });
    const left = (await db.memories.toArray()).map((m) => m.id).sort();
    expect(left).toEqual(['high', 'mid', 'old-pinned', 'other-agent', 'pinned-low']);
  });

  it('cosine and top-k', () => {
    expect(cosine(new Float32Array([1, 0]), new Float32Array([2, 0]))).toBeCloseTo(1);
    expect(cosine(new Float32Array([1, 0]), new Float32Array([0, 3]))).toBeCloseTo(0);
    expect(cosine(new Float32Array([0, 0]), new Float32Array([1, 0]))).toBe(0);
    expect(() => cosine(new Float32Array(2), new Float32Array(3))).toThrow(EmbeddingError);
    expect(topK([3, 1, 2], (x) => x, 2).map((x) => x.item)).toEqual([3, 2]);
  });
});
