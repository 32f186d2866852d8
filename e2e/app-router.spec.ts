// The router and privacy layer inside the real app, against the real development endpoint (started here on
// a free port): window.sentio.router, the router panel, the endpoint / consent / privacy / model settings.
import { expect, test, type Page } from '@playwright/test';
import { createDevEndpoint, type DevEndpoint } from '../scripts/dev-endpoint/server.mjs';
import { DEV_ENDPOINT_LABEL } from '../src/app/router/dev-label';
import { inView } from './fixtures/panels';
import { routeToDevEndpoint } from './fixtures/dev-routing';

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
  expect(await page.evaluate(() => window.sentio!.router.view().localOnly)).toBe(
    'no cloud endpoint is configured (add one in Settings)',
  );
  const decision = await page.evaluate(async () => {
    const r = (await window.sentio!.router.infer('chat', 'hello there')) as { decision: unknown };
    return r.decision;
  });
  expect(decision).toMatchObject({ route: 'drop', code: 'no-consent' });
  expect(dev.stats().requests).toBe(0);
  expect(errors).toEqual([]);
});

test('window.sentio.router.apply switches to the development endpoint without a reload', async ({ page }) => {
  const errors = await openApp(page);
  await routeToDevEndpoint(page, dev.url, ['cloud.chat']);
  const decision = await page.evaluate(async () => {
    const r = (await window.sentio!.router.infer('chat', 'hello there')) as {
      decision: unknown;
      output: { text: string };
    };
    return {
      decision: r.decision,
      text: r.output.text,
      development: window.sentio!.router.view().endpoint?.development,
    };
  });
  expect(decision).toMatchObject({
    decision: { route: 'cloud', code: 'unsupported-cloud', endpoint: 'dev' },
    development: true,
  });
  expect(decision.text).toContain('Development endpoint, not a model');
  expect(dev.stats().requests).toBe(1);
  expect(errors).toEqual([]);
});

async function fillEndpoint(page: Page, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    const field = page.getByTestId(`endpoint-${key}`);
    if (key === 'clearance') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.getByTestId('endpoint-save').click();
}

async function saveDevEndpoint(page: Page): Promise<void> {
  await fillEndpoint(page, {
    id: 'dev',
    baseUrl: dev.url,
    model: 'sentio-dev-echo',
    costPer1kTokens: '0',
    clearance: 'private',
  });
  await expect(page.getByTestId('endpoint-message')).toHaveText('Saved "dev" and using it.');
}

/** Asks the app's router for a chat answer; returns its decision. */
async function decide(page: Page, text: string): Promise<{ route: string; code: string }> {
  return page.evaluate(async (t) => {
    const r = (await window.sentio!.router.infer('chat', t)) as {
      decision: { route: string; code: string };
    };
    return { route: r.decision.route, code: r.decision.code };
  }, text);
}

async function grantChatInSettings(page: Page): Promise<void> {
  await page.getByTestId('consent-cloud.chat-dev').check();
  await expect(page.getByTestId('consent-message')).toHaveText('Granted cloud.chat to "dev".');
}

test('settings: a bad endpoint is refused, each error naming its field; nothing is applied', async ({
  page,
}) => {
  const errors = await openApp(page);
  await fillEndpoint(page, {
    id: 'bad one',
    baseUrl: 'ftp://example.com',
    model: '',
    costPer1kTokens: 'cheap',
  });
  await expect(page.getByTestId('endpoint-error-id')).toContainText('name may use letters, digits');
  await expect(page.getByTestId('endpoint-error-baseUrl')).toHaveText('base URL must be http(s), not ftp:');
  await expect(page.getByTestId('endpoint-error-model')).toHaveText('model is required');
  await expect(page.getByTestId('endpoint-error-costPer1kTokens')).toHaveText(
    'cost per 1k tokens must be a number',
  );
  await expect(page.getByTestId('endpoint-message')).toContainText('Not saved');
  await expect(page.getByTestId('endpoint-baseUrl')).toHaveAttribute('aria-invalid', 'true');

  // A key and a proxy at once: a problem of the whole form, said in the form's message.
  await fillEndpoint(page, {
    id: 'both',
    baseUrl: 'https://api.example.com',
    model: 'gpt-4o-mini',
    costPer1kTokens: '0.5',
    apiKey: 'sk-test',
    proxyUrl: 'https://proxy.example.com',
  });
  await expect(page.getByTestId('endpoint-message')).toHaveText(
    'Not saved: API key and proxy URL: give one or the other (a proxy adds the credentials itself)',
  );
  await expect(page.getByTestId('endpoint-error-baseUrl')).toHaveText('');
  expect(await page.evaluate(() => window.sentio!.router.view().endpoint)).toBeNull();
  expect(errors).toEqual([]);
});

test('settings: a saved endpoint is used at once, labelled a development endpoint, and kept across reloads', async ({
  page,
}) => {
  const errors = await openApp(page);
  await expect(page.getByTestId('router-endpoint')).toHaveText(
    'Local only: no cloud endpoint is configured (add one in Settings).',
  );
  await expect(page.getByTestId('router-dev-label')).toBeHidden();
  await saveDevEndpoint(page);
  await expect(page.getByTestId('router-endpoint')).toHaveText(
    `Endpoint "dev": ${dev.url} (responder sentio-dev-echo, cleared for private data).`,
  );
  await expect(page.getByTestId('router-dev-label')).toBeVisible();
  await expect(page.getByTestId('router-dev-label')).toHaveText(DEV_ENDPOINT_LABEL);
  await expect(page.getByTestId('router-dev-label')).toContainText(
    'chat is a deterministic responder, not a model',
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-circuit')).toHaveText('closed (endpoint healthy)', { timeout: 2000 }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-outbox')).toHaveText('0 requests waiting', { timeout: 2000 }),
  );

  // A non-development endpoint: no such label, and its model is called a model.
  await fillEndpoint(page, {
    id: 'other',
    baseUrl: 'http://127.0.0.1:9',
    model: 'llama3.1:8b',
    costPer1kTokens: '0.2',
    clearance: 'public',
  });
  await expect(page.getByTestId('endpoint-message')).toHaveText('Saved "other" and using it.');
  await expect(page.getByTestId('router-endpoint')).toHaveText(
    'Endpoint "other": http://127.0.0.1:9 (model llama3.1:8b, cleared for public data).',
  );
  await expect(page.getByTestId('router-dev-label')).toBeHidden();

  await page.reload();
  await expect(page.getByTestId('router-endpoint')).toContainText('Endpoint "other"');
  await page.getByTestId('endpoint-use-dev').check();
  await expect(page.getByTestId('router-endpoint')).toContainText('Endpoint "dev"');
  await expect(page.getByTestId('router-dev-label')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('router-endpoint')).toContainText('Endpoint "dev"');
  await expect(page.getByTestId('router-dev-label')).toBeVisible();

  // None: local only, and the panel says why.
  await page.getByTestId('endpoint-use-none').check();
  await expect(page.getByTestId('router-endpoint')).toHaveText(
    'Local only: no cloud endpoint is selected (choose one in Settings).',
  );
  await expect(page.getByTestId('router-dev-label')).toBeHidden();
  await page.getByTestId('endpoint-remove-other').click();
  await expect(page.getByTestId('endpoint-message')).toHaveText('Removed "other".');
  await expect(page.getByTestId('endpoint-item-other')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('consent granted in Settings: the next decision goes to the cloud and shows in the panel with its reason', async ({
  page,
}) => {
  const errors = await openApp(page);
  await saveDevEndpoint(page);
  expect(await decide(page, 'what is the weather like')).toMatchObject({ route: 'drop' });
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-decision').first()).toContainText(
      'no consent to send chat to the cloud and no local model does this task',
      { timeout: 2000 },
    ),
  );
  expect(dev.stats().requests).toBe(0);

  await grantChatInSettings(page);
  expect(await decide(page, 'what is the weather like')).toMatchObject({ route: 'cloud' });
  const newest = page.getByTestId('router-decision').first();
  await inView(page.getByTestId('router-panel'), async () => {
    const t = { timeout: 2000 };
    await expect(newest.getByTestId('decision-route')).toHaveText('cloud', t);
    await expect(newest.getByTestId('decision-reason')).toHaveText('no local model does chat', t);
    await expect(newest.getByTestId('decision-endpoint')).toHaveText('→ dev', t);
    await expect(newest.getByTestId('decision-estimates')).toContainText('cost 0.0000', t);
  });
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cloud-share')).toHaveText('50% (1 of 2 decisions)', { timeout: 2000 }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cost-session')).toHaveText('0.0000 this session (no cap)', {
      timeout: 2000,
    }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cloud-calls')).toHaveText('1 answered, 0 retried, 0 failed', {
      timeout: 2000,
    }),
  );
  expect(dev.stats().requests).toBe(1);

  // The endpoint fails once: the client retries, and the panel says so with the reason.
  dev.setFaults({ script: [{ status: 500 }] });
  expect(await decide(page, 'once more')).toMatchObject({ route: 'cloud' });
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cloud-calls')).toContainText('2 answered, 1 retried, 0 failed', {
      timeout: 2000,
    }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cloud-calls')).toContainText('500', { timeout: 2000 }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cloud-share')).toHaveText('67% (2 of 3 decisions)', { timeout: 2000 }),
  );
  expect(errors).toEqual([]);
});

test('revoking consent in Settings aborts the request in flight, blocks the next one, and is audited', async ({
  page,
}) => {
  const errors = await openApp(page);
  await saveDevEndpoint(page);
  await grantChatInSettings(page);
  dev.setFaults({ tokenDelayMs: 150 });
  await page.evaluate(() => {
    const w = window as unknown as { longChat: Promise<string> };
    w.longChat = window.sentio!.router.infer('chat', 'tell me a long story about the sea').then(
      () => 'finished',
      (err: Error) => err.name,
    );
  });
  await expect.poll(() => page.evaluate(() => window.sentio!.router.view().gate!.inFlight())).toBe(1);
  await page.getByTestId('consent-cloud.chat-dev').uncheck();
  await expect(page.getByTestId('consent-message')).toHaveText(
    'Revoked cloud.chat to "dev": requests in flight were stopped.',
  );
  expect(await page.evaluate(() => (window as unknown as { longChat: Promise<string> }).longChat)).toBe(
    'ConsentRevokedError',
  );
  dev.setFaults({ tokenDelayMs: 0 });
  const before = dev.stats().requests;
  expect(await decide(page, 'and another')).toEqual({ route: 'drop', code: 'no-consent' });
  expect(dev.stats().requests).toBe(before);
  const audit = () =>
    page.evaluate(async () =>
      (await window.sentio!.router.audit.entries()).map((r) => {
        const e = r.entry as { what: string; decision: string; endpoint: string };
        return `${e.what}:${e.decision}:${e.endpoint}`;
      }),
    );
  // The router's refusal of the next call is audited too (written after the decision is returned).
  await expect
    .poll(audit)
    .toEqual([
      'consent.grant:consent:dev',
      'chat.completions:allowed:dev',
      'chat.completions:aborted:dev',
      'consent.revoke:consent:dev',
      'chat:denied:dev',
    ]);
  expect(await page.evaluate(() => window.sentio!.router.audit.verify())).toMatchObject({ ok: true });
  expect(errors).toEqual([]);
});

test('cost caps from Settings: a bad cap is named; spend shows against the cap, and a reached cap stops cloud calls', async ({
  page,
}) => {
  const errors = await openApp(page);
  await fillEndpoint(page, {
    id: 'dev',
    baseUrl: dev.url,
    model: 'sentio-dev-echo',
    costPer1kTokens: '2',
    clearance: 'private',
  });
  await expect(page.getByTestId('endpoint-message')).toHaveText('Saved "dev" and using it.');
  await grantChatInSettings(page);

  await page.getByTestId('privacy-perDay').fill('-1');
  await page.getByTestId('privacy-perSession').fill('lots');
  await page.getByTestId('privacy-save').click();
  await expect(page.getByTestId('privacy-error-perDay')).toHaveText('daily cost cap must be ≥ 0');
  await expect(page.getByTestId('privacy-error-perSession')).toHaveText('session cost cap must be a number');

  await page.getByTestId('privacy-perDay').fill('');
  await page.getByTestId('privacy-perSession').fill('0.1');
  await page.getByTestId('privacy-save').click();
  await expect(page.getByTestId('privacy-message')).toHaveText('Saved and applied.');
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cost-session')).toHaveText('0.0000 of 0.10 this session', {
      timeout: 2000,
    }),
  );
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cost-day')).toHaveText('0.0000 this day (no cap)', { timeout: 2000 }),
  );

  expect(await decide(page, 'a question that costs something')).toMatchObject({ route: 'cloud' });
  const spent = await page.evaluate(() => window.sentio!.router.view().budget.spent().session);
  expect(spent).toBeGreaterThan(0);
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cost-session')).toHaveText(`${spent.toFixed(4)} of 0.10 this session`, {
      timeout: 2000,
    }),
  );

  // Lower the cap below what was spent: the next cloud call is refused by the policy, no request is sent.
  await page.getByTestId('privacy-perSession').fill(String(spent / 2));
  await page.getByTestId('privacy-save').click();
  await expect(page.getByTestId('privacy-message')).toHaveText('Saved and applied.');
  const before = dev.stats().requests;
  expect(await decide(page, 'another one')).toEqual({ route: 'drop', code: 'budget-exceeded-unsupported' });
  expect(dev.stats().requests).toBe(before);
  await inView(page.getByTestId('router-panel'), () =>
    expect(page.getByTestId('router-cost-session')).toHaveClass(/missing/, { timeout: 2000 }),
  );
  expect(errors).toEqual([]);
});

test('a model download shows byte progress, then "cached"', async ({ page }) => {
  const errors = await openApp(page);
  const id = 'whisper-tiny';
  await expect(page.getByTestId(`model-state-${id}`)).toHaveText('not cached');
  // Every value the progress text takes, recorded in the page as it changes.
  await page.evaluate((testId) => {
    const target = document.querySelector(`[data-testid="${testId}"]`)!;
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => seen.push(target.textContent ?? '')).observe(target, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  }, `model-bytes-${id}`);
  await page.getByTestId(`model-download-${id}`).click();
  await expect(page.getByTestId(`model-state-${id}`)).toHaveText('cached', { timeout: 60_000 });
  await expect(page.getByTestId(`model-download-${id}`)).toBeHidden();
  await expect(page.getByTestId(`model-bytes-${id}`)).toHaveText('45.2 MB of 45.2 MB');
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  const partial = seen.filter((s) => /^[\d.]+ [kM]?B of 45\.2 MB$/.test(s) && !s.startsWith('45.2 MB'));
  expect(partial.length).toBeGreaterThan(2);
  // The worker's model store finds the same files in the cache: a reload still says cached.
  await page.reload();
  await expect(page.getByTestId(`model-state-${id}`)).toHaveText('cached');
  expect(errors).toEqual([]);
});

test('WebXR: with no XR device (headless Chromium) the Enter XR button is hidden and the reason shown', async ({
  page,
}) => {
  const errors = await openApp(page);
  // Chromium has the WebXR API; with no headset or XR runtime it supports no immersive mode.
  expect(await page.evaluate(() => 'xr' in navigator)).toBe(true);
  await expect(page.getByTestId('xr-status')).toHaveText(
    'XR unavailable: no immersive VR or AR device: the browser supports neither immersive-vr nor immersive-ar here.',
  );
  await expect(page.getByTestId('xr-buttons')).toBeHidden();
  await expect(page.getByRole('button', { name: /Enter (VR|AR)/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});
