import { describe, expect, it } from 'vitest';
import {
  ContextOverflowError,
  fromGenerationErrorData,
  GenerationCancelledError,
  ModelChecksumError,
  ModelStorageQuotaError,
  toGenerationErrorData,
} from './errors';

const across = (err: unknown) => fromGenerationErrorData(structuredClone(toGenerationErrorData(err)));

describe('generation errors across the worker boundary', () => {
  it('come back as their own class with their fields and the sender message', () => {
    const sent = new ModelChecksumError('m', 'a'.repeat(64), 'b'.repeat(64));
    const got = across(sent);
    expect(got).toBeInstanceOf(ModelChecksumError);
    expect(got).toMatchObject({ model: 'm', expected: sent.expected, actual: sent.actual });
    expect(got.message).toBe(sent.message);
    const overflow = across(new ContextOverflowError(900, 200, 1024));
    expect(overflow).toBeInstanceOf(ContextOverflowError);
    expect(overflow).toMatchObject({ promptTokens: 900, maxTokens: 200, contextTokens: 1024 });
    expect(across(new GenerationCancelledError('unloaded'))).toMatchObject({ reason: 'unloaded' });
  });

  it('keep an unknown quota as null, not 0', () => {
    expect(across(new ModelStorageQuotaError('m', 10, null))).toMatchObject({ bytes: 10, available: null });
    expect(across(new ModelStorageQuotaError('m', 10, 5))).toMatchObject({ available: 5 });
  });

  it("keep a foreign error's name", () => {
    const e = across(new RangeError('x'));
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe('x');
  });
});
