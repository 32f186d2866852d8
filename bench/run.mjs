// `npm run bench [name…]`: builds the bench pages, runs them in headless Chromium one at a time, appends
// one JSON object per measurement to bench/results/latest.jsonl and prints this run's table.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkNode, ensureChromium, ensureDependencies, log, root, run } from '../scripts/lib/env.mjs';

checkNode();
ensureDependencies();
const chromium = ensureChromium();
run(process.execPath, ['scripts/prepare-models.mjs'], { step: 'preparing models' });

const runId = new Date().toISOString();
const names = process.argv.slice(2);
const grep = names.length ? ['--grep', names.map((n) => `(^|\\s)${n}$`).join('|')] : [];
const status = run('npx', ['playwright', 'test', '-c', 'bench/playwright.config.ts', ...grep], {
  step: 'benchmarks',
  env: { CHROMIUM_PATH: chromium, SENTIO_BENCH_RUN: runId },
  allowFail: true,
});

const file = resolve(root, 'bench/results/latest.jsonl');
const rows = existsSync(file)
  ? readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((r) => r.run === runId)
  : [];
const fmt = (n) =>
  Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(3)).toString();
console.log('');
console.table(
  rows.map((r) => ({
    bench: r.bench,
    metric: r.metric,
    value: `${fmt(r.value)} ${r.unit}`,
    baseline: `${fmt(r.baseline)} ${r.unit}`,
    ratio: `${fmt(r.ratio)}×`,
    target: r.target,
    pass: r.pass ? 'yes' : 'NO',
  })),
);
log(`${rows.length} measurements appended to bench/results/latest.jsonl`);
process.exit(status);
