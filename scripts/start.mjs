// `npm start`: install what is missing, put the local models in place, build the app and serve the build.
// The production build, not the dev server: only the build has the service worker, so only it keeps working
// offline after one visit (`npm run dev` is the dev server, for working on Sentio).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { checkNode, ensureDependencies, fail, log, portIsFree, root, run } from './lib/env.mjs';
import { findNatsServer, NO_NATS_HELP, startNatsServer } from './lib/nats.mjs';

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

// The router's default cloud endpoint: our local OpenAI-compatible development server (loopback only).
// SENTIO_DEV_ENDPOINT=off skips it; a port already in use is taken to be one already running.
const endpointPort = Number(process.env.SENTIO_DEV_ENDPOINT_PORT ?? 8790);
const endpointUrl = `http://127.0.0.1:${endpointPort}`;
let endpoint = null;
if (process.env.SENTIO_DEV_ENDPOINT !== 'off') {
  if (await portIsFree(endpointPort, '127.0.0.1')) {
    endpoint = spawn(
      process.execPath,
      [resolve(root, 'scripts/dev-endpoint/server.mjs'), '--port', String(endpointPort)],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  } else log(`port ${endpointPort} is in use: using the development endpoint already at ${endpointUrl}`);
}

// A local NATS server so that several tabs, browsers or devices on this machine can share the bus
// (Devices panel). SENTIO_NATS=off skips it; ports in use are taken to be a nats-server already running.
const natsPort = Number(process.env.SENTIO_NATS_PORT ?? 4222);
const natsWsPort = Number(process.env.SENTIO_NATS_WS_PORT ?? 9222);
const natsWsUrl = `ws://127.0.0.1:${natsWsPort}`;
let nats = null;
if (process.env.SENTIO_NATS !== 'off') {
  if (!findNatsServer())
    log(`${NO_NATS_HELP}\n  (as root on Debian: apt-get install -y nats-server). The app runs without it.`);
  else if (!(await portIsFree(natsPort)) || !(await portIsFree(natsWsPort)))
    log(`ports ${natsPort}/${natsWsPort} are in use: using the NATS server already there (${natsWsUrl})`);
  else {
    nats = await startNatsServer({ ports: { port: natsPort, wsPort: natsWsPort } });
    log(`NATS for the bridge: ${natsWsUrl} (WebSocket), nats://127.0.0.1:${natsPort} (TCP), JetStream on`);
  }
}

const viteBin = resolve(root, 'node_modules/vite/bin/vite.js');
// The endpoint and NATS URLs are read at build time (import.meta.env).
const appEnv = { VITE_SENTIO_DEV_ENDPOINT: endpointUrl, VITE_SENTIO_NATS_URL: natsWsUrl };
log('building the app into dist/ (the production build: its service worker keeps the app working offline)');
run(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { step: 'building the app', env: appEnv });
log(`serving dist/ on http://${host}:${port}/  (Ctrl-C stops it; npm run dev is the dev server)`);
const vite = spawn(
  process.execPath,
  [viteBin, 'preview', '--host', host, '--port', String(port), '--strictPort'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...appEnv },
  },
);
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    vite.kill(sig);
    endpoint?.kill(sig);
    void nats?.dispose();
  });
vite.on('exit', async (code) => {
  endpoint?.kill();
  await nats?.dispose();
  process.exit(code ?? 0);
});
