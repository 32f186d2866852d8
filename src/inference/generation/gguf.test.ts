import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from './errors';
import { readGgufHeader } from './gguf';

const fixture = readFileSync(resolve(import.meta.dirname, '../../../e2e/fixtures/models/stories260K.gguf'));

describe('readGgufHeader', () => {
  it('reads the tiny llama model and finds it complete', async () => {
    const info = await readGgufHeader(new Blob([fixture]), 'stories260K');
    expect(info.version).toBe(3);
    expect(info.architecture).toBe('llama');
    expect(info.contextLength).toBe(2048);
    expect(info.tensorCount).toBeGreaterThan(10);
    // Every byte of the file is header or tensor data (up to the last tensor's alignment padding).
    expect(info.expectedBytes).not.toBeNull();
    expect(fixture.byteLength - info.expectedBytes!).toBeGreaterThanOrEqual(0);
    expect(fixture.byteLength - info.expectedBytes!).toBeLessThan(32);
  });

  it('refuses a file cut short in its tensor data, naming the sizes', async () => {
    const cut = fixture.subarray(0, fixture.byteLength - 4096);
    await expect(readGgufHeader(new Blob([cut]), 'cut')).rejects.toThrow(
      new ModelFormatError(
        'cut',
        `it is truncated: ${cut.byteLength} bytes of the ${fixture.byteLength} its tensors need`,
      ),
    );
  });

  it('refuses a file cut short inside its header', async () => {
    const err = await readGgufHeader(new Blob([fixture.subarray(0, 2000)]), 'head').catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toBe(
      'model "head" is not a usable GGUF file: it is truncated inside its header',
    );
  });

  it('refuses something that is not GGUF', async () => {
    const zip = new Blob([new Uint8Array([0x50, 0x4b, 3, 4, ...new Array(60).fill(0)])]);
    await expect(readGgufHeader(zip, 'zip')).rejects.toThrow(
      /"zip" is not a usable GGUF file: it does not start with the GGUF magic bytes/,
    );
    await expect(readGgufHeader(new Blob(['GGUF']), 'tiny')).rejects.toThrow(/4 bytes, too short/);
  });
});
