import { describe, expect, it } from 'vitest';
import { normaliseWords, wordErrorRate } from './wer';

const wer = (reference: string, hypothesis: string) => wordErrorRate({ reference, hypothesis });

describe('word error rate', () => {
  it('is 0 for the same words whatever the case, punctuation, written numbers and abbreviations', () => {
    expect(wer('go forward ten meters', 'Go forward, ten meters.')).toBe(0);
    expect(wer('go forward ten meters', 'Go forward 10 meters.')).toBe(0);
    expect(wer('mister brown said twenty one', 'Mr. Brown said 21')).toBe(0);
  });
  it('counts substitutions, insertions and deletions over the reference length', () => {
    expect(wer('go forward ten meters', 'go backward ten meters')).toBe(0.25);
    expect(wer('go forward ten meters', 'go forward')).toBe(0.5);
    expect(wer('go forward ten meters', 'go go forward ten meters')).toBe(0.25);
    expect(wer('', 'anything')).toBe(1);
    expect(wer('', '')).toBe(0);
  });
  it('divides by the reference: swapping the two changes the answer', () => {
    expect(wer('a b c d', 'a b')).toBe(0.5);
    expect(wer('a b', 'a b c d')).toBe(1);
  });
  it('keeps words with apostrophes whole', () => {
    expect(normaliseWords("Don't stop")).toEqual(['dont', 'stop']);
  });
});
