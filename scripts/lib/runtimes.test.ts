import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareRuntimes, RUNTIMES, RuntimeFileError } from './runtimes.mjs';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'sentio-runtimes-'));
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(join(nodeModules, 'rt/dist'), { recursive: true });
  writeFileSync(join(nodeModules, 'rt/dist/rt.wasm'), 'wasm');
  writeFileSync(join(nodeModules, 'rt/dist/rt.mjs'), 'js');
  writeFileSync(join(nodeModules, 'rt/dist/README.md'), 'not needed');
  return { nodeModules, outDir: join(dir, 'public/runtime') };
}

describe('runtime copy', () => {
  it('copies the matching files once, then leaves them alone', () => {
    const f = fixture();
    const rt = [{ id: 'rt', from: 'rt/dist', match: /^rt\.(wasm|mjs)$/ }];
    expect(prepareRuntimes(rt, f)).toEqual({ copied: 2, ready: 2 });
    expect(readFileSync(join(f.outDir, 'rt/rt.wasm'), 'utf8')).toBe('wasm');
    expect(existsSync(join(f.outDir, 'rt/README.md'))).toBe(false);
    expect(prepareRuntimes(rt, f)).toEqual({ copied: 0, ready: 2 });
  });

  it('names the runtime when its package is missing or has none of the files', () => {
    const f = fixture();
    expect(() => prepareRuntimes([{ id: 'gone', from: 'nope/dist', match: /x/ }], f)).toThrow(
      RuntimeFileError,
    );
    expect(() => prepareRuntimes([{ id: 'gone', from: 'nope/dist', match: /x/ }], f)).toThrow(
      /runtime "gone"/,
    );
    expect(() => prepareRuntimes([{ id: 'rt', from: 'rt/dist', match: /\.so$/ }], f)).toThrow(
      /no file in rt\/dist/,
    );
  });

  it('finds every runtime the app loads in the installed packages', () => {
    const nodeModules = resolve(import.meta.dirname, '../../node_modules');
    for (const r of RUNTIMES) expect(existsSync(join(nodeModules, r.from)), r.from).toBe(true);
  });
});
