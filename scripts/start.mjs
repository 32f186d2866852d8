// `npm start`: install what is missing, put the local models in place, serve the app.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { checkNode, ensureDependencies, fail, log, portIsFree, root, run } from './lib/env.mjs';

const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? '127.0.0.1';

checkNode();
ensureDependencies();
run(process.execPath, ['scripts/prepare-models.mjs'], { step: 'preparing models' });

if (!(await portIsFree(port, host))) {
  fail(
    `port ${port} on ${host} is already in use. Stop what is using it, or start on another port: PORT=5180 npm start`,
  );
}

log(`starting the app on http://${host}:${port}/  (Ctrl-C stops it)`);
const vite = spawn(
  process.execPath,
  [resolve(root, 'node_modules/vite/bin/vite.js'), '--host', host, '--port', String(port), '--strictPort'],
  { cwd: root, stdio: 'inherit' },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => vite.kill(sig));
vite.on('exit', (code) => process.exit(code ?? 0));
