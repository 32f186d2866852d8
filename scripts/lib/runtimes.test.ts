import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackage, prepareRuntimes, RUNTIMES, RuntimeFileError, runtimeSource } from './runtimes.mjs';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'sentio-runtimes-'));
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(join(nodeModules, 'rt/dist'), { recursive: true });
  writeFileSync(join(nodeModules, 'rt/package.json'), '{}');
  writeFileSync(join(nodeModules, 'rt/dist/rt.wasm'), 'wasm');
  writeFileSync(join(nodeModules, 'rt/dist/rt.mjs'), 'js');
  writeFileSync(join(nodeModules, 'rt/dist/README.md'), 'not needed');
  return { root: dir, nodeModules, outDir: join(dir, 'public/runtime') };
}

describe('runtime copy', () => {
  it('copies the matching files once, then leaves them alone', () => {
    const f = fixture();
    const rt = [{ id: 'rt', package: 'rt', dir: 'dist', match: /^rt\.(wasm|mjs)$/ }];
    expect(prepareRuntimes(rt, f)).toMatchObject({ copied: 2, ready: 2, removed: 0 });
    expect(readFileSync(join(f.outDir, 'rt/rt.wasm'), 'utf8')).toBe('wasm');
    expect(existsSync(join(f.outDir, 'rt/README.md'))).toBe(false);
    expect(prepareRuntimes(rt, f)).toMatchObject({
      copied: 0,
      ready: 2,
      files: [
        { runtime: 'rt', file: 'rt.mjs', size: 2 },
        { runtime: 'rt', file: 'rt.wasm', size: 4 },
      ],
    });
  });

  it('removes a file no backend loads any more (a build copies the whole folder)', () => {
    const f = fixture();
    mkdirSync(join(f.outDir, 'rt'), { recursive: true });
    writeFileSync(join(f.outDir, 'rt/rt.jsep.wasm'), 'stale');
    const rt = [{ id: 'rt', package: 'rt', dir: 'dist', match: /^rt\.(wasm|mjs)$/ }];
    expect(prepareRuntimes(rt, f)).toMatchObject({ copied: 2, removed: 1 });
    expect(existsSync(join(f.outDir, 'rt/rt.jsep.wasm'))).toBe(false);
  });

  it('names the runtime when its package is missing or has none of the files', () => {
    const f = fixture();
    expect(() => prepareRuntimes([{ id: 'gone', package: 'nope', dir: 'dist', match: /x/ }], f)).toThrow(
      RuntimeFileError,
    );
    expect(() => prepareRuntimes([{ id: 'gone', package: 'nope', dir: 'dist', match: /x/ }], f)).toThrow(
      /runtime "gone"/,
    );
    expect(() => prepareRuntimes([{ id: 'rt', package: 'rt', dir: 'dist', match: /\.so$/ }], f)).toThrow(
      /no file in rt\/dist matches/,
    );
  });

  it('finds a package nested in another one before a hoisted copy, and a hoisted one from deeper down', () => {
    const f = fixture();
    mkdirSync(join(f.nodeModules, 'host/node_modules/rt/dist'), { recursive: true });
    writeFileSync(join(f.nodeModules, 'host/package.json'), '{}');
    writeFileSync(join(f.nodeModules, 'host/node_modules/rt/package.json'), '{}');
    expect(
      runtimeSource({ id: 'x', package: 'rt', within: 'host', dir: 'dist', match: /x/ }, f.root).src,
    ).toBe(join(f.nodeModules, 'host/node_modules/rt/dist'));
    expect(findPackage('rt', join(f.nodeModules, 'host'))).toBe(join(f.nodeModules, 'host/node_modules/rt'));
    expect(findPackage('rt', join(f.root, 'deep/er'))).toBe(join(f.nodeModules, 'rt'));
    expect(findPackage('absent', f.root)).toBeNull();
  });

  it('finds every runtime the app loads in the installed packages', () => {
    const root = resolve(import.meta.dirname, '../..');
    for (const r of RUNTIMES) expect(existsSync(runtimeSource(r, root).src), r.id).toBe(true);
  });
});
