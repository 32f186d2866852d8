import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { describe, expect, it } from 'vitest';
import { checkIntegrity, integrityOf, readTarballEntries } from './npm-pack.mjs';

// A real gzipped tarball laid out like npm's (everything under package/).
async function tarball() {
  const dir = mkdtempSync(join(tmpdir(), 'sentio-pack-test-'));
  mkdirSync(join(dir, 'package/dist'), { recursive: true });
  writeFileSync(join(dir, 'package/package.json'), '{"name":"w","version":"1.0.0"}');
  writeFileSync(join(dir, 'package/dist/m.onnx'), 'weights');
  writeFileSync(join(dir, 'package/dist/other.bin'), 'not wanted');
  const file = join(dir, 'w-1.0.0.tgz');
  await create({ gzip: true, file, cwd: dir }, ['package']);
  return file;
}

describe('npm tarballs', () => {
  it('reads only the wanted entries, by their path in the package', async () => {
    const got = await readTarballEntries('w@1.0.0', await tarball(), ['dist/m.onnx']);
    expect([...got.keys()]).toEqual(['dist/m.onnx']);
    expect(got.get('dist/m.onnx')!.toString()).toBe('weights');
  });

  it('names every path the tarball does not hold', async () => {
    await expect(
      readTarballEntries('w@1.0.0', await tarball(), ['dist/m.onnx', 'a.bin', 'b.bin']),
    ).rejects.toThrow('package w@1.0.0: the tarball has no a.bin, b.bin');
  });

  it('checks the sha512 integrity npm pins, and refuses a missing pin', async () => {
    const bytes = readFileSync(await tarball());
    expect(() => checkIntegrity('w@1.0.0', bytes, integrityOf(bytes))).not.toThrow();
    expect(() => checkIntegrity('w@1.0.0', bytes, integrityOf(Buffer.from('other')))).toThrow(
      /package w@1.0.0: tarball integrity mismatch: expected sha512-\S+, got sha512-/,
    );
    expect(() => checkIntegrity('w@1.0.0', bytes, undefined)).toThrow(/no sha512 integrity is pinned/);
  });
});
