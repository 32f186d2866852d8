// `npm test`: the whole suite on a fresh machine. Installs dependencies and (as root on Debian) Chromium and
// nats-server,
// prepares models and fixtures, then runs typecheck, lint, unit tests in Node and e2e tests in Chromium.
import { checkNode, ensureChromium, ensureDependencies, log, run } from './lib/env.mjs';
import { ensureNatsServer, natsServerVersion } from './lib/nats.mjs';
import { printTotals } from './lib/totals.mjs';

checkNode();
ensureDependencies();
const chromium = ensureChromium();
log(`browser tests use ${chromium}`);
// The bridge tests start their own nats-servers on free ports (e2e/fixtures/nats.ts) and stop them.
const natsServer = ensureNatsServer();
log(`bridge tests use ${natsServer} (${natsServerVersion(natsServer)})`);
run(process.execPath, ['scripts/prepare-models.mjs'], { step: 'preparing models' });

const env = { CHROMIUM_PATH: chromium, NATS_SERVER_PATH: natsServer };
run('npm', ['run', '--silent', 'typecheck'], { step: 'typecheck', env });
run('npm', ['run', '--silent', 'lint'], { step: 'lint', env });
// The public API (src/index.ts) must match api/sentio.api.md: a change there is announced by `npm run api`.
run('npm', ['run', '--silent', 'api:check'], { step: 'API report', env });
// docs/api is generated from the TSDoc (`npm run docs`); a doc comment changed without it fails here.
run('npm', ['run', '--silent', 'docs:check'], { step: 'API reference', env });
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
