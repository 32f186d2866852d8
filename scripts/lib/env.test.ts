import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chooseChromium, lockMismatch, NO_CHROMIUM_HELP, portIsFree } from './env.mjs';

const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('chooseChromium', () => {
  it('takes CHROMIUM_PATH when it is executable, and names it when it is not', () => {
    expect(
      chooseChromium({
        override: '/opt/chrome',
        isExecutable: only('/opt/chrome'),
        isRoot: false,
        hasApt: false,
      }),
    ).toEqual({ use: '/opt/chrome' });
    expect(chooseChromium({ override: '/nope', isExecutable: only(), isRoot: true, hasApt: true })).toEqual({
      error: 'CHROMIUM_PATH=/nope is not an executable file.',
    });
  });

  it('finds a system Chromium', () => {
    expect(
      chooseChromium({
        override: undefined,
        isExecutable: only('/usr/bin/chromium'),
        isRoot: false,
        hasApt: false,
      }),
    ).toEqual({
      use: '/usr/bin/chromium',
    });
  });

  it('installs with apt-get only as root on a Debian-like system', () => {
    expect(chooseChromium({ override: undefined, isExecutable: only(), isRoot: true, hasApt: true })).toEqual(
      { install: 'apt-get' },
    );
  });

  it('otherwise says exactly what to install', () => {
    const r = chooseChromium({ override: undefined, isExecutable: only(), isRoot: false, hasApt: true });
    expect(r.error).toBe(NO_CHROMIUM_HELP);
    expect(r.error).toMatch(/sudo apt-get install chromium/);
    expect(r.error).toMatch(/CHROMIUM_PATH=/);
  });
});

describe('lockMismatch', () => {
  const lock = {
    packages: {
      '': { version: '0.1.0' },
      'node_modules/dexie': { version: '4.4.7' },
      'node_modules/@img/sharp-darwin-arm64': { version: '0.34.0', optional: true },
      'node_modules/fsevents': { version: '2.3.3', devOptional: true },
    },
  };
  it("is null when every pinned package is installed at its version (other platforms' optional ones aside)", () => {
    expect(lockMismatch(lock, { packages: { 'node_modules/dexie': { version: '4.4.7' } } })).toBeNull();
  });
  it('names the package that is missing or at another version, or the missing install record', () => {
    expect(lockMismatch(lock, { packages: {} })).toBe('node_modules/dexie@4.4.7');
    expect(lockMismatch(lock, { packages: { 'node_modules/dexie': { version: '4.0.0' } } })).toBe(
      'node_modules/dexie@4.4.7',
    );
    expect(lockMismatch(lock, null)).toBe('node_modules/.package-lock.json');
  });
});

describe('portIsFree', () => {
  it('tells a busy port from a free one', async () => {
    const srv = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const port = (srv.address() as { port: number }).port;
    expect(await portIsFree(port)).toBe(false);
    await new Promise((r) => srv.close(r));
    expect(await portIsFree(port)).toBe(true);
  });
});
