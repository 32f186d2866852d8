// Word error rate: word-level edit distance between a hypothesis and a reference, over the reference's
// length, after lower-casing and dropping punctuation. Numbers are spelled as the references spell them
// only by normalise's caller; here "10" and "ten" differ.

export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

export function wordErrorRate(hypothesis: string, reference: string): number {
  const h = normaliseWords(hypothesis);
  const r = normaliseWords(reference);
  if (r.length === 0) return h.length === 0 ? 0 : 1;
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[h.length]! / r.length;
}
