// A local nats-server for `npm start`, the browser tests and the benchmarks: found (or, as root on Debian,
// installed like Chromium), started on free ports with a generated config (TCP for Node clients, a plain
// WebSocket listener on loopback for browsers, JetStream in a temporary store), and stopped. Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail, isExecutable, log, run } from './env.mjs';

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export const NO_NATS_HELP = [
  'No nats-server found (needed to share the bus between devices).',
  '  Debian/Ubuntu:  sudo apt-get install nats-server',
  '  macOS:          brew install nats-server',
  'or point NATS_SERVER_PATH at a nats-server ≥ 2.9 binary.',
].join('\n');

/** The nats-server binary, or null. NATS_SERVER_PATH wins. */
export function findNatsServer() {
  const override = process.env.NATS_SERVER_PATH;
  if (override) return isExecutable(override) ? override : null;
  return CANDIDATES.find(isExecutable) ?? null;
}

/** Finds nats-server; as root with apt-get, installs Debian's; otherwise exits with how to install it. */
export function ensureNatsServer() {
  const found = findNatsServer();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get') || process.env.NATS_SERVER_PATH) fail(NO_NATS_HELP);
  log('nats-server not found: installing Debian nats-server with apt-get…');
  run('apt-get', ['update', '-qq'], { step: 'apt-get update' });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nats-server'], {
    step: 'apt-get install nats-server',
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  return findNatsServer() ?? fail('apt-get reported success but nats-server is missing.');
}

const quote = (s) => JSON.stringify(String(s));

/**
 * The server's config file text. `auth`: { token } | { user, password } | { nkey } (a user's public NKey) |
 * { operator, systemAccount, accounts } (decentralised JWT auth: the operator's JWT, the system account's public
 * key, and each account's public key → JWT, preloaded in a memory resolver) | undefined.
 * nats-server 2.9 syntax: `websocket { port, no_tls }`, `jetstream { store_dir }`, `authorization { … }`,
 * `operator`, `resolver: MEMORY`, `resolver_preload { … }`.
 */
export function natsConfig({ host = '127.0.0.1', port, wsPort, storeDir, auth, maxPayload = 1024 * 1024 }) {
  const lines = [
    `listen: ${quote(`${host}:${port}`)}`,
    `max_payload: ${maxPayload}`,
    `websocket {\n  host: ${quote(host)}\n  port: ${wsPort}\n  no_tls: true\n}`,
    `jetstream {\n  store_dir: ${quote(storeDir)}\n  max_memory_store: 64MB\n  max_file_store: 256MB\n}`,
  ];
  if (auth?.token) lines.push(`authorization {\n  token: ${quote(auth.token)}\n}`);
  else if (auth?.user)
    lines.push(
      `authorization {\n  users: [ { user: ${quote(auth.user)}, password: ${quote(auth.password)} } ]\n}`,
    );
  else if (auth?.nkey) lines.push(`authorization {\n  users: [ { nkey: ${quote(auth.nkey)} } ]\n}`);
  else if (auth?.operator) {
    const preload = Object.entries(auth.accounts).map(([pub, jwt]) => `  ${quote(pub)}: ${quote(jwt)}`);
    lines.push(
      `operator: ${quote(auth.operator)}`,
      `system_account: ${quote(auth.systemAccount)}`,
      'resolver: MEMORY',
      `resolver_preload {\n${preload.join('\n')}\n}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function listenOn(port, host) {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(null));
    srv.listen(port, host, () => {
      const got = srv.address().port;
      srv.close(() => done(got));
    });
  });
}

/** A free TCP port: from SENTIO_NATS_PORT_BASE upwards (20 tried) when set, else one the OS picks. */
export async function freePort(host = '127.0.0.1', taken = new Set()) {
  const base = Number(process.env.SENTIO_NATS_PORT_BASE ?? 0);
  if (base > 0) {
    for (let p = base; p < base + 20; p++) {
      if (taken.has(p)) continue;
      if ((await listenOn(p, host)) !== null) return p;
    }
  }
  for (;;) {
    const p = await listenOn(0, host);
    if (p !== null && !taken.has(p)) return p;
  }
}

function canConnect(port, host) {
  return new Promise((done) => {
    const s = createConnection({ port, host });
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });
}

/** Module-wide so that two servers started at once in one process never pick the same port. */
const claimed = new Set();

/**
 * Starts nats-server on free loopback ports (or the given `ports`). Returns { url, wsUrl, port, wsPort, stop(), start() };
 * `stop()` kills it (the store survives, so `start()` brings it back on the same ports with its streams).
 */
export async function startNatsServer({ auth, binary = findNatsServer(), quiet = true, ports } = {}) {
  if (!binary) throw new Error(NO_NATS_HELP);
  const host = '127.0.0.1';
  const port = ports?.port ?? (await freePort(host, claimed));
  claimed.add(port);
  const wsPort = ports?.wsPort ?? (await freePort(host, claimed));
  claimed.add(wsPort);
  const dir = mkdtempSync(join(tmpdir(), 'sentio-nats-'));
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, natsConfig({ host, port, wsPort, storeDir: join(dir, 'js'), auth }));
  let child = null;
  let output = '';

  async function start() {
    if (child) return;
    output = '';
    child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d) => {
      output = (output + d).slice(-4000);
      if (!quiet) process.stderr.write(d);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = new Promise((done) => child.once('exit', (code) => done(code)));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if ((await canConnect(port, host)) && (await canConnect(wsPort, host))) return;
      const code = await Promise.race([exited, new Promise((d) => setTimeout(() => d(undefined), 100))]);
      if (code !== undefined) {
        child = null;
        throw new Error(`nats-server exited (${code}) at start:\n${output}`);
      }
      if (Date.now() > deadline) throw new Error(`nats-server did not listen within 20 s:\n${output}`);
    }
  }

  async function stop() {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((done) => c.once('exit', done));
    c.kill('SIGKILL');
    await gone;
  }

  await start();
  return {
    url: `nats://${host}:${port}`,
    wsUrl: `ws://${host}:${wsPort}`,
    port,
    wsPort,
    start,
    stop,
    async dispose() {
      await stop();
      claimed.delete(port);
      claimed.delete(wsPort);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `nats-server --version`, for messages. */
export function natsServerVersion(binary) {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').trim();
}
