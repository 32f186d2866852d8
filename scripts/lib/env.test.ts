import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chooseChromium, NO_CHROMIUM_HELP, portIsFree } from './env.mjs';

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
