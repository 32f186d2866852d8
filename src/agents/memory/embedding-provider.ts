// Turns text into vectors. Episodic memory only sees this interface, so the USE-lite model can be swapped
// for a transformers.js model or a cloud embeddings endpoint without touching the memory code.

export interface EmbeddingProvider {
  /** Names the model, so vectors from different models are never compared. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export class EmbeddingError extends Error {
  override name = 'EmbeddingError';
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new EmbeddingError(`vectors of different lengths (${a.length} vs ${b.length}) cannot be compared`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The k items with the highest score, best first. */
export function topK<T>(
  items: readonly T[],
  score: (item: T) => number,
  k: number,
): { item: T; score: number }[] {
  return items
    .map((item) => ({ item, score: score(item) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, Math.max(0, k));
}
