// Meeting notes without a model: a transcript line becomes a tidy bullet, its action items and its
// keywords, by plain rules. Quick, on the device, and good enough to be useful before any cloud help.

/** Whisper's markers for non-speech ("[BLANK_AUDIO]", "(music)", "*coughs*"). */
const NON_SPEECH = /\[[^\]]*\]|\([^)]*\)|\*[^*]*\*/g;

/** A transcript as a bullet: markers gone, whitespace collapsed, a capital first and a full stop last. */
export function cleanUtterance(text: string): string {
  const t = text.replace(NON_SPEECH, ' ').replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(t)) return '';
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Verbs that open an instruction ("Go forward…", "Send the report…"). */
const IMPERATIVES = new Set(
  (
    'go move turn stop start send call email write book schedule fix check buy bring ask tell remind ' +
    'review prepare finish update share plan set add remove follow make take meet'
  ).split(' '),
);

/** Phrases that mark a commitment or a request anywhere in a sentence. */
const CUES = [
  /\bwe (?:need|have|ought) to\b/i,
  /\bwe should\b/i,
  /\blet'?s\b/i,
  /\b(?:remember|don'?t forget) to\b/i,
  /\baction item\b/i,
  /\bto-?do\b/i,
  /\bplease\b/i,
  /\b(?:can|could|will) you\b/i,
  /\bi(?:'ll| will)\b/i,
];

export function isActionItem(sentence: string): boolean {
  const first = sentence.toLowerCase().match(/^[\p{L}']+/u)?.[0];
  return (first !== undefined && IMPERATIVES.has(first)) || CUES.some((c) => c.test(sentence));
}

export function actionItems(text: string): string[] {
  return sentences(text).filter(isActionItem);
}

const STOPWORDS = new Set(
  (
    'the a an and or but if then than that this these those there here was were is are be been being am ' +
    'not no yes of to in on at by for with from into over under about as it its it’s he she they them his ' +
    'her their we you your our i me my mine us do does did done have has had will would can could should ' +
    'shall may might must so very just also too all any some such what which who whom whose when where why ' +
    'how one ones up down out off again more most other only own same few both each'
  ).split(' '),
);

/** Content words of a line, lower-cased, in order, without repeats. */
export function keywords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}][\p{L}'-]{2,}/gu) ?? [];
  return [...new Set(words.filter((w) => !STOPWORDS.has(w)))];
}

/** The `n` most frequent keywords, ties broken by first appearance. */
export function topKeywords(counts: Record<string, number>, n: number): string[] {
  return Object.entries(counts)
    .map(([word, count], order) => ({ word, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, n)
    .map((x) => x.word);
}

/**
 * A summary without a model: the `max` lines that carry the meeting's most frequent keywords (each
 * line's keyword counts summed over its length, so one long ramble does not win by size), kept in the
 * order they were said, then every action item. Empty when there are no lines.
 */
export function extractiveSummary(
  lines: readonly { text: string; keywords: readonly string[]; actionItems: readonly string[] }[],
  counts: Record<string, number>,
  max = 3,
): string {
  if (lines.length === 0) return '';
  const scored = lines.map((l, i) => ({
    i,
    score: l.keywords.reduce((s, k) => s + (counts[k] ?? 0), 0) / Math.sqrt(1 + l.keywords.length),
  }));
  const picked = scored
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, max)
    .sort((a, b) => a.i - b.i)
    .map((x) => lines[x.i]!.text);
  const actions = [...new Set(lines.flatMap((l) => l.actionItems))];
  return [picked.join(' '), ...(actions.length ? [`Action items: ${actions.join(' ')}`] : [])].join('\n');
}
