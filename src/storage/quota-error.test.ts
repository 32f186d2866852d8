import { describe, expect, it } from 'vitest';
import { isQuotaError } from './quota-error';

const quota = () => new DOMException('the bucket is full', 'QuotaExceededError');

describe('isQuotaError', () => {
  it('recognises the browser error and every wrapper the writers meet', () => {
    expect(isQuotaError(quota())).toBe(true);
    // Dexie's AbortError around it, a BulkError listing it, our own error carrying it as its cause.
    expect(isQuotaError({ name: 'AbortError', inner: quota() })).toBe(true);
    expect(isQuotaError({ name: 'BulkError', failures: [new Error('x'), quota()] })).toBe(true);
    expect(isQuotaError(new Error('commit failed', { cause: { name: 'AbortError', inner: quota() } }))).toBe(
      true,
    );
  });

  it('is false for other errors, non-errors, and a chain too deep or cyclic', () => {
    expect(isQuotaError(new DOMException('gone', 'NotFoundError'))).toBe(false);
    expect(isQuotaError(new Error('quota'))).toBe(false);
    for (const x of [null, undefined, 'QuotaExceededError', 42]) expect(isQuotaError(x)).toBe(false);
    const cyclic: { name: string; cause?: unknown } = { name: 'Error' };
    cyclic.cause = cyclic;
    expect(isQuotaError(cyclic)).toBe(false);
    let deep: unknown = quota();
    for (let i = 0; i < 6; i++) deep = { name: 'Error', cause: deep };
    expect(isQuotaError(deep)).toBe(false);
  });
});
