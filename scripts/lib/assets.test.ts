import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AssetsError,
  copyAssets,
  ensureWritable,
  formatListing,
  formatSize,
  parseArgs,
  UsageError,
} from './assets.mjs';

describe('sentio assets: arguments', () => {
  it('takes one folder', () => {
    expect(parseArgs(['assets', 'public/sentio'])).toEqual({ command: 'assets', dir: 'public/sentio' });
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
  });

  it('names an unknown command, a missing or extra folder and an unknown option', () => {
    expect(() => parseArgs(['asets', 'x'])).toThrow(
      new UsageError('unknown command "asets" (the one command is: assets)'),
    );
    expect(() => parseArgs(['assets'])).toThrow(/needs the folder to copy into/);
    expect(() => parseArgs(['assets', 'a', 'b'])).toThrow(/takes one folder/);
    expect(() => parseArgs(['assets', 'a', '--force'])).toThrow(/unknown option --force/);
  });
});

describe('sentio assets: listing', () => {
  it('prints sizes in decimal units', () => {
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(1000)).toBe('1.0 kB');
    expect(formatSize(442005)).toBe('442.0 kB');
    expect(formatSize(30727765)).toBe('30.7 MB');
  });

  it('lists files by path with aligned sizes and a total', () => {
    expect(
      formatListing([
        { path: 'sentio.js', size: 40000 },
        { path: 'models/a/model.onnx', size: 2_327_524 },
      ]),
    ).toBe([' 2.3 MB  models/a/model.onnx', '40.0 kB  sentio.js', '2 files, 2.4 MB'].join('\n'));
  });
});

describe('sentio assets: errors that name the problem', () => {
  it('refuses a folder it cannot write into', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sentio-assets-')), 'a-file');
    writeFileSync(file, '');
    expect(() => ensureWritable(join(file, 'sub'))).toThrow(
      new AssetsError(`cannot write to ${join(file, 'sub')}: ENOTDIR`),
    );
  });

  it('says when the package it runs from was never built', async () => {
    const pkg = mkdtempSync(join(tmpdir(), 'sentio-pkg-'));
    await expect(copyAssets({ packageRoot: pkg, outDir: join(pkg, 'out') })).rejects.toThrow(
      /dist-lib\/runtime has no sentio\.js: this copy of sentio was not built/,
    );
  });
});
