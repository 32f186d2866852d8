// `npm test`: the whole suite on a fresh machine. Installs dependencies and (as root on Debian) Chromium,
// prepares models and fixtures, then runs typecheck, lint, unit tests in Node and e2e tests in Chromium.
import { checkNode, ensureChromium, ensureDependencies, log, run } from './lib/env.mjs';
import { printTotals } from './lib/totals.mjs';

checkNode();
ensureDependencies();
const chromium = ensureChromium();
log(`browser tests use ${chromium}`);
run(process.execPath, ['scripts/prepare-models.mjs'], { step: 'preparing models' });

const env = { CHROMIUM_PATH: chromium };
run('npm', ['run', '--silent', 'typecheck'], { step: 'typecheck', env });
run('npm', ['run', '--silent', 'lint'], { step: 'lint', env });
const unit = run(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=reports/unit.json'],
  {
    step: 'unit tests',
    env,
    allowFail: true,
  },
);
const e2e = run('npx', ['playwright', 'test'], { step: 'browser tests', env, allowFail: true });
const ok = printTotals(['reports/unit.json', 'reports/e2e.json']);
if (unit !== 0 || e2e !== 0 || !ok) process.exit(1);
