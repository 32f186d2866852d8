// The router and privacy layer inside the real app, against the real development endpoint (started here on
// a free port): window.sentio.router, the router panel, the endpoint / consent / privacy / model settings.
import { expect, test, type Page } from '@playwright/test';
import { createDevEndpoint, type DevEndpoint } from '../scripts/dev-endpoint/server.mjs';

let dev: DevEndpoint;
test.beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0 });
});
test.afterAll(() => dev?.close());
test.beforeEach(() => dev.reset());

async function openApp(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  await page.waitForFunction(() => !!window.sentio?.router);
  return errors;
}

test('with no endpoint configured the router runs local-only and says why', async ({ page }) => {
  const errors = await openApp(page);
  // The e2e build is made without VITE_SENTIO_DEV_ENDPOINT, so there is no default endpoint.
  expect(await page.evaluate(() => window.sentio!.router!.localOnly)).toBe(
    'no cloud endpoint is configured (add one in Settings)',
  );
  const decision = await page.evaluate(async () => {
    const r = (await window.sentio!.routing!.infer('chat', 'hello there')) as { decision: unknown };
    return r.decision;
  });
  expect(decision).toMatchObject({ route: 'drop', code: 'no-consent' });
  expect(dev.stats().requests).toBe(0);
  expect(errors).toEqual([]);
});

test('window.sentio.routing.apply switches to the development endpoint without a reload', async ({
  page,
}) => {
  const errors = await openApp(page);
  const decision = await page.evaluate(async (url) => {
    const routing = window.sentio!.routing!;
    await routing.apply({
      ...routing.settings(),
      endpoints: [
        {
          id: 'dev',
          baseUrl: url,
          model: 'sentio-dev-echo',
          costPer1kTokens: 0,
          clearance: 'private',
        },
      ],
      active: 'dev',
    });
    const view = window.sentio!.router!;
    await view.consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
    const r = (await routing.infer('chat', 'hello there')) as {
      decision: unknown;
      output: { text: string };
    };
    return { decision: r.decision, text: r.output.text, development: view.endpoint?.development };
  }, dev.url);
  expect(decision).toMatchObject({
    decision: { route: 'cloud', code: 'unsupported-cloud', endpoint: 'dev' },
    development: true,
  });
  expect(decision.text).toContain('Development endpoint, not a model');
  expect(dev.stats().requests).toBe(1);
  expect(errors).toEqual([]);
});
