// Device and system signals in a real browser: the network going away and coming back, page visibility.
import { expect, test } from '@playwright/test';
import { eventsOf, openSensorsPage, waitForEvent } from './sensors-helpers';

test('offline/online toggling → device.network events; visibility is reported', async ({ page, context }) => {
  await openSensorsPage(page);
  await page.evaluate(() => window.__sensors.startDeviceSignals());
  await waitForEvent(page, 'device.network', { online: true });
  expect((await eventsOf(page, 'device.visibility'))[0]!.payload).toEqual({
    visible: true,
    state: 'visible',
  });

  await context.setOffline(true);
  await waitForEvent(page, 'device.network', { online: false });
  await context.setOffline(false);
  await expect
    .poll(async () =>
      (await eventsOf(page, 'device.network')).map((e) => (e.payload as { online: boolean }).online),
    )
    .toEqual([true, false, true]);
  // Chromium has navigator.connection: the type travels with the state.
  const last = (await eventsOf(page, 'device.network')).at(-1)!.payload as { effectiveType?: string };
  expect(typeof last.effectiveType).toBe('string');
});
