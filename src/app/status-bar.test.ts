import { describe, expect, it } from 'vitest';
import { isBenignNotice } from './status-bar';

describe('isBenignNotice', () => {
  it('takes the ResizeObserver loop notices (both wordings browsers use) for what they are', () => {
    expect(isBenignNotice('ResizeObserver loop completed with undelivered notifications.')).toBe(true);
    expect(isBenignNotice('ResizeObserver loop limit exceeded')).toBe(true);
  });
  it('keeps every other error an error, including ones that mention ResizeObserver', () => {
    expect(isBenignNotice('TypeError: ResizeObserver is not defined')).toBe(false);
    expect(isBenignNotice('Uncaught Error: boom')).toBe(false);
    expect(isBenignNotice('')).toBe(false);
  });
});
