// npm run replay -- <session.jsonl> [--speed max|N] [--out delivered.jsonl] [--dist dir] [--port N]
//
// Replays a recorded session (JSONL of events, as the app's recorder or log.export writes it) into the
// Sentio runtime in headless Chromium: the app is served from its production build, the file is imported
// into the hub's event log and re-published in its original order, at full speed (default) or N× real time.
// Prints what was replayed and a digest of what subscribers received, so two runs can be compared: a
// deterministic replay gives the same digest at any speed.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkNode, ensureChromium, fail, log, portIsFree, root, run } from './lib/env.mjs';

checkNode();
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: 'max' },
      out: { type: 'string' },
      dist: { type: 'string', default: 'dist' },
      port: { type: 'string', default: process.env.SENTIO_REPLAY_PORT ?? '4190' },
    },
  });
} catch (err) {
  fail(
    `${err.message}\nusage: npm run replay -- <session.jsonl> [--speed max|N] [--out file] [--dist dir] [--port N]`,
  );
}
const file = args.positionals[0];
if (!file)
  fail('usage: npm run replay -- <session.jsonl> [--speed max|N] [--out file] [--dist dir] [--port N]');
const speed = args.values.speed === 'max' ? 'max' : Number(args.values.speed);
if (speed !== 'max' && !(speed > 0))
  fail(`--speed must be "max" or a number > 0 (got "${args.values.speed}")`);
const port = Number(args.values.port);
let jsonl;
try {
  jsonl = await readFile(resolve(file), 'utf8');
} catch (err) {
  fail(`cannot read ${file}: ${err.message}`);
}

const dist = resolve(root, args.values.dist);
if (!existsSync(resolve(dist, 'index.html'))) {
  log(`no build in ${args.values.dist}/: building the app…`);
  run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', dist, '--logLevel', 'warn'], {
    step: 'vite build',
  });
}
if (!(await portIsFree(port))) fail(`port ${port} is in use: pass --port N or set SENTIO_REPLAY_PORT`);

const chromiumPath = ensureChromium();
const { preview } = await import('vite');
const { chromium } = await import('@playwright/test');
const server = await preview({
  root,
  logLevel: 'warn',
  build: { outDir: dist },
  preview: { host: '127.0.0.1', port, strictPort: true, open: false },
});
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.sentioApp !== undefined, null, { timeout: 15_000 });
  const result = await page.evaluate(
    async ({ jsonl, speed }) => {
      const { bus } = window.sentio;
      const { replay } = window.sentioApp;
      await bus.connected;
      const delivered = [];
      const ids = new Set();
      for (const line of jsonl.split('\n')) {
        try {
          if (line.trim()) ids.add(JSON.parse(line).id);
        } catch {
          // reported by replay() with its line number
        }
      }
      // One subscription for everything: the bus orders deliveries within a subscription, not across them.
      const sub = bus.subscribe('>', (e) => void (ids.has(e.id) && delivered.push(e)), { qos: 'background' });
      await sub.ready;
      const started = performance.now();
      const report = await replay(jsonl, { speed });
      const deadline = Date.now() + 30_000;
      while (delivered.length < report.replayed && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      return { report, delivered, ms: performance.now() - started };
    },
    { jsonl, speed },
  );
  const { report, delivered, ms } = result;
  for (const e of report.errors) console.error(`skipped: ${e}`);
  const digest = createHash('sha256')
    .update(JSON.stringify(delivered.map((e) => [e.id, e.topic, e.ts, e.payload])))
    .digest('hex');
  console.log(
    `replayed ${report.replayed} of ${report.events} events (${report.topics.length} topics, ${report.errors.length} bad lines) ` +
      `at speed ${report.speed} in ${Math.round(ms)} ms; delivered ${delivered.length}; digest ${digest}`,
  );
  if (delivered.length < report.replayed) {
    console.error(`only ${delivered.length} of ${report.replayed} replayed events reached a subscriber`);
    exitCode = 1;
  }
  if (args.values.out) {
    await writeFile(resolve(args.values.out), delivered.map((e) => JSON.stringify(e)).join('\n') + '\n');
    log(`delivered events written to ${args.values.out}`);
  }
} catch (err) {
  console.error(`[sentio] ERROR: replay failed: ${err.message.split('\n')[0]}`);
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode);
