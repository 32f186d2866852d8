// Word error rate: how far a transcript is from a reference (a test's expected words, or a draft from its
// refinement). One implementation for the runtime, the tests and the offline evaluation. It takes named
// arguments because the two strings are easy to swap and WER is not symmetric: the reference's length is the
// denominator.

const SMALL = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Spoken forms of written abbreviations (Whisper writes "Mr.", references say "mister"). */
const ABBREVIATIONS: Record<string, string> = { mr: 'mister', mrs: 'missus', dr: 'doctor', st: 'saint' };

function numberWords(n: number): string[] {
  if (n < 20) return [SMALL[n]!];
  if (n < 100) return n % 10 ? [TENS[Math.floor(n / 10)]!, SMALL[n % 10]!] : [TENS[n / 10]!];
  return [String(n)];
}

/** Lower case, no punctuation, small numbers spelled out ("10" → "ten"), so that "Go forward 10 meters." and
 *  "go forward ten meters" are the same words. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => (/^\d+$/.test(w) ? numberWords(Number(w)) : [ABBREVIATIONS[w] ?? w.replace(/'/g, '')]));
}

/** What a transcript is compared with, and the transcript. */
export interface WerInput {
  /** The words that should have been said: its length is the denominator. */
  reference: string;
  /** The transcript under judgement. */
  hypothesis: string;
}

/** Levenshtein distance over words divided by the reference length (0 = identical). */
export function wordErrorRate({ reference, hypothesis }: WerInput): number {
  const ref = normaliseWords(reference);
  const hyp = normaliseWords(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[hyp.length]! / ref.length;
}
