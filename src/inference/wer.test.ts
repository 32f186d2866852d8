import { describe, expect, it } from 'vitest';
import { wordErrorRate } from './wer';

describe('word error rate', () => {
  it('is 0 for the same words whatever the case and punctuation', () => {
    expect(wordErrorRate('Go forward, ten meters.', 'go forward ten meters')).toBe(0);
  });
  it('counts substitutions, insertions and deletions over the reference length', () => {
    expect(wordErrorRate('go backward ten meters', 'go forward ten meters')).toBe(0.25);
    expect(wordErrorRate('go forward', 'go forward ten meters')).toBe(0.5);
    expect(wordErrorRate('go go forward ten meters', 'go forward ten meters')).toBe(0.25);
    expect(wordErrorRate('anything', '')).toBe(1);
  });
});
