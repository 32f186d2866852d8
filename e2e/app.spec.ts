import { expect, test } from '@playwright/test';

test('the app shows Sentio, starts the bus hub and reports the capability probe', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sentio', level: 1 })).toBeVisible();
  await expect(page.getByTestId('cap-isolated')).toHaveText('yes');
  await expect(page.getByTestId('cap-sharedworker')).toHaveText('yes');
  await expect(page.getByTestId('cap-opfs')).toHaveText('yes');
  await expect(page.getByTestId('cap-threads')).toContainText('WASM threads on');
  // --enable-unsafe-webgpu gives SwiftShader's software adapter on a machine without a GPU.
  await expect(page.getByTestId('cap-webgpu')).toContainText('adapter');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});

test('two tabs share one bus hub', async ({ context }) => {
  const a = await context.newPage();
  await a.goto('/');
  await expect(a.getByTestId('hub-status')).toHaveText('Bus hub running (1 connection).');
  const b = await context.newPage();
  await b.goto('/');
  await expect(b.getByTestId('hub-status')).toHaveText('Bus hub running (2 connections).');
});
