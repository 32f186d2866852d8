import { defineConfig, devices } from '@playwright/test';
import { chromiumPath, DEFAULT_ARGS } from '../e2e/fixtures/chromium';

const PORT = Number(process.env.SENTIO_BENCH_PORT ?? 4174);
const DEV_ENDPOINT_PORT = Number(process.env.SENTIO_DEV_ENDPOINT_PORT ?? 8790);

// Benchmarks run one at a time (workers: 1): this machine has 2 cores, and two benches at once would
// measure each other.
export default defineConfig({
  testDir: '.',
  testMatch: 'bench.spec.ts',
  globalSetup: '../e2e/global-setup.ts',
  timeout: 600_000,
  workers: 1,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: chromiumPath, args: DEFAULT_ARGS },
  },
  webServer: [
    {
      command: `node node_modules/vite/bin/vite.js build --mode bench --logLevel warn && node node_modules/vite/bin/vite.js preview --mode bench --port ${PORT} --strictPort`,
      cwd: '..',
      url: `http://127.0.0.1:${PORT}/bench/raw-postmessage.html`,
      reuseExistingServer: false,
      timeout: 300_000,
      stdout: 'ignore',
      stderr: 'pipe',
      // The router benches find the dev endpoint through this (inlined at build time).
      env: { VITE_SENTIO_DEV_ENDPOINT: `http://127.0.0.1:${DEV_ENDPOINT_PORT}` },
    },
    {
      // The local OpenAI-compatible dev endpoint (Whisper base, deterministic chat) for the router benches.
      command: `node scripts/dev-endpoint/server.mjs --port ${DEV_ENDPOINT_PORT}`,
      cwd: '..',
      url: `http://127.0.0.1:${DEV_ENDPOINT_PORT}/v1/models`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
