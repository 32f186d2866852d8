// Set-up steps shared by `npm start`, `npm test` and `npm run bench`. Node built-ins only: these run
// before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');

export function log(msg) {
  console.log(`[sentio] ${msg}`);
}

export function fail(msg) {
  console.error(`\n[sentio] ERROR: ${msg}\n`);
  process.exit(1);
}

/** Runs a command with inherited output; exits the process with a message naming the step if it fails. */
export function run(cmd, args, { step, env, allowFail = false } = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) fail(`${step ?? cmd}: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) fail(`${step ?? cmd} failed (exit ${r.status}).`);
  return r.status ?? 1;
}

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: Sentio needs Node 20.19 or newer (Vite 8 requires it).`);
  }
}

/**
 * The first package the lockfile pins that node_modules does not have at that version (null: up to date).
 * Compared by content, not by file times: a git checkout or worktree touches the lockfile's mtime without
 * changing it, and `npm ci` wipes node_modules (through a symlink, another checkout's). Optional packages
 * (other platforms' binaries) are never installed, so they do not count.
 * @param {{ packages?: Record<string, { version?: string, optional?: boolean, devOptional?: boolean, link?: boolean }> }} lock
 * @param {{ packages?: Record<string, { version?: string }> } | null} installed
 */
export function lockMismatch(lock, installed) {
  if (!installed?.packages) return 'node_modules/.package-lock.json';
  for (const [path, want] of Object.entries(lock.packages ?? {})) {
    if (path === '' || want.optional || want.link) continue;
    const have = installed.packages[path];
    if (!have && want.devOptional) continue;
    if (have?.version !== want.version) return `${path}@${want.version ?? '?'}`;
  }
  return null;
}

/** `npm ci` when node_modules is missing or differs from what the lockfile pins. */
export function ensureDependencies() {
  const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
  const missing = lockMismatch(
    read(resolve(root, 'package-lock.json')),
    read(resolve(root, 'node_modules', '.package-lock.json')),
  );
  if (!missing) return;
  log(`installing dependencies (npm ci: ${missing} is not installed)…`);
  // onnxruntime-node (under @huggingface/transformers) would download CUDA binaries from outside the npm
  // registry in its postinstall. npm 11 skips it (package.json "allowScripts" denies it); for older npm,
  // this variable tells the script itself to skip.
  run('npm', ['ci', '--no-audit', '--no-fund'], {
    step: 'npm ci',
    env: { ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

/** Whether `path` exists and this user may run it. */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const NO_CHROMIUM_HELP = [
  'No Chromium found for the browser tests.',
  '  Debian/Ubuntu:  sudo apt-get install chromium',
  '  Fedora:         sudo dnf install chromium',
  '  macOS:          brew install --cask chromium',
  'or point CHROMIUM_PATH at any Chrome/Chromium ≥ 120, e.g.',
  '  CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" npm test',
].join('\n');

/**
 * Decides where the browser tests' Chromium comes from, without side effects (unit-tested):
 * { use: path } | { install: 'apt-get' } | { error: message }.
 */
export function chooseChromium({
  override,
  isExecutable: canRun,
  isRoot,
  hasApt,
  candidates = CHROMIUM_CANDIDATES,
}) {
  if (override)
    return canRun(override)
      ? { use: override }
      : { error: `CHROMIUM_PATH=${override} is not an executable file.` };
  const found = candidates.find(canRun);
  if (found) return { use: found };
  if (isRoot && hasApt) return { install: 'apt-get' };
  return { error: NO_CHROMIUM_HELP };
}

/**
 * Finds the Chromium the browser tests drive. CHROMIUM_PATH wins; else a system Chromium; else, as root on
 * Debian/Ubuntu, apt-get installs it. Playwright's own browser download cannot work offline, so it is
 * never attempted.
 */
export function ensureChromium() {
  const choice = chooseChromium({
    override: process.env.CHROMIUM_PATH,
    isExecutable,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasApt: existsSync('/usr/bin/apt-get'),
  });
  if (choice.use) return choice.use;
  if (choice.error) fail(choice.error);
  log('Chromium not found: installing Debian chromium with apt-get…');
  run('apt-get', ['update', '-qq'], { step: 'apt-get update' });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    step: 'apt-get install chromium',
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  fail('apt-get reported success but /usr/bin/chromium is missing.');
}

/** Resolves true when nothing listens on host:port. */
export function portIsFree(port, host = '127.0.0.1') {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.once('listening', () => srv.close(() => done(true)));
    srv.listen(port, host);
  });
}
