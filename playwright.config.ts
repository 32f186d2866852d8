import { defineConfig, devices } from '@playwright/test';
import { chromiumPath, DEFAULT_ARGS } from './e2e/fixtures/chromium';

// SENTIO_E2E_PORT lets several checkouts run their suites side by side without sharing a server.
const PORT = Number(process.env.SENTIO_E2E_PORT ?? 4173);
const HEAVY_SPECS = [
  '**/app-live.spec.ts',
  '**/app-demos.spec.ts',
  '**/app-telemetry.spec.ts',
  '**/start-command.spec.ts',
  '**/offline-live.spec.ts',
  '**/app-responsiveness.spec.ts',
  '**/app-devices.spec.ts',
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: chromiumPath, args: DEFAULT_ARGS },
    trace: 'retain-on-failure',
  },
  // Tests run against a production build (plus the test pages in e2e/pages): what users get, and no
  // dev-server dependency re-optimisation reloading a page mid-test.
  // The app specs that run the camera, the microphone and every model at once need the whole machine: on 2
  // cores anything beside them starves their pipelines. They run last, one at a time, with nothing else.
  projects: [
    { name: 'chromium', testIgnore: HEAVY_SPECS },
    { name: 'live-app', testMatch: HEAVY_SPECS, workers: 1, dependencies: ['chromium'] },
  ],
  webServer: {
    command: `node node_modules/vite/bin/vite.js build --mode e2e --logLevel warn && node node_modules/vite/bin/vite.js preview --mode e2e --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
