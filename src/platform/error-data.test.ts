import { describe, expect, it } from 'vitest';
import { coerceErrorData, fromErrorData, toErrorData } from './error-data';

class QuotaError extends Error {
  override name = 'QuotaError';
  constructor(readonly bytes: number) {
    super(`needs ${bytes} bytes`);
  }
}

describe('error data', () => {
  it('carries the named fields and comes back as the class its reviver builds', () => {
    const data = structuredClone(toErrorData(new QuotaError(42), ['bytes', 'absent']));
    expect(data.fields).toEqual({ bytes: 42 });
    const back = fromErrorData(data, { QuotaError: (f) => new QuotaError(Number(f.bytes)) });
    expect(back).toBeInstanceOf(QuotaError);
    expect((back as QuotaError).bytes).toBe(42);
    expect(back.message).toBe('needs 42 bytes');
    expect(back.stack).toBe(data.stack);
  });

  it('keeps an unknown name and the sender’s message, and never looks names up on the prototype', () => {
    const back = fromErrorData({ name: 'toString', message: 'from afar' }, {});
    expect(back).toBeInstanceOf(Error);
    expect(back.name).toBe('toString');
    expect(back.message).toBe('from afar');
  });

  it('treats error-like objects from another realm as errors, and anything else as its string', () => {
    expect(toErrorData({ name: 'NotAllowedError', message: 'denied' })).toEqual({
      name: 'NotAllowedError',
      message: 'denied',
    });
    expect(toErrorData('plain')).toEqual({ name: 'Error', message: 'plain' });
  });

  it('coerces untrusted shapes to strings within limits', () => {
    const huge = 'x'.repeat(10_000);
    const d = coerceErrorData({ name: 7, message: huge, stack: huge }, { name: 10, message: 20, stack: 30 });
    expect(d).toEqual({ name: 'Error', message: 'x'.repeat(20), stack: 'x'.repeat(30) });
    expect(coerceErrorData(null)).toEqual({ name: 'Error', message: 'null' });
  });
});
