// Issue 14's cross-device demo, in the real app: two devices (two browser contexts, each with its own storage
// and hub) on one real nats-server. The laptop's camera plays the smiling astronaut; its expression readings
// are `local`, so they cross only through the declared `expression.devices` step the person ticks in the
// Devices panel: the word and its score, never the face box, the per-class scores or the backend. The
// headset never starts its camera, and its emotion assistant reacts to the laptop's face. A raw NATS client
// on `>` sees every message the server carries.
import type { Page } from '@playwright/test';
import { expect, test, wiretap } from './fixtures/nats';

async function openApp(page: Page, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
}

async function connectDevices(
  page: Page,
  o: { server: string; device: string; send: string; receive: string; consent: boolean },
): Promise<void> {
  await page.getByTestId('devices-server').fill(o.server);
  await page.getByTestId('devices-device').fill(o.device);
  await page.getByTestId('devices-exportTopics').fill(o.send);
  await page.getByTestId('devices-importTopics').fill(o.receive);
  await page.getByTestId('devices-consent').setChecked(o.consent);
  await page.getByTestId('devices-shareExpressions').setChecked(o.consent);
  await page.getByTestId('devices-connect').click();
  await expect(page.getByTestId('devices-state')).toContainText('connected', { timeout: 60_000 });
}

test('the laptop’s camera, the headset’s emotion assistant: only the expression word and score cross, with consent for the step, and unticking stops them', async ({
  browser,
  nats,
  raw,
}) => {
  // Face and expression models load on a shared CPU, in two apps at once.
  test.setTimeout(300_000);
  const tap = wiretap(raw);
  const laptopContext = await browser.newContext();
  const headsetContext = await browser.newContext();
  const errors: string[] = [];
  try {
    const laptop = await laptopContext.newPage();
    const headset = await headsetContext.newPage();
    await openApp(laptop, errors);
    await openApp(headset, errors);
    const topic = 'vision.face.expression';
    await connectDevices(laptop, {
      server: nats.wsUrl,
      device: 'laptop',
      send: topic,
      receive: '',
      consent: true,
    });
    await connectDevices(headset, {
      server: nats.wsUrl,
      device: 'headset',
      send: '',
      receive: topic,
      consent: false,
    });

    await laptop.getByTestId('start-sensors').click();
    const reaction = headset.getByTestId('emotion-reaction').first();
    await expect(reaction).toContainText('You look happy', { timeout: 180_000 });
    // Whose camera it was, and the label it crossed as: private, lowered from local by the declared step.
    await expect(reaction).toContainText('seen on laptop');
    await expect(reaction).toContainText('private');
    await expect(headset.getByTestId('devices-peers')).toContainText('laptop:');

    const crossed = () => tap.msgs.filter((m) => m.subject.endsWith(`.laptop.${topic}`));
    expect(crossed().length).toBeGreaterThan(0);
    expect(crossed().some((m) => m.text.includes('happy'))).toBe(true);
    // The reduced reading only: no face box, no per-class scores, no backend, and nothing else of the laptop's.
    for (const leak of ['box', 'scores', 'onnxruntime', 'wasm'])
      expect(
        tap.msgs.some((m) => m.text.includes(leak)),
        `"${leak}" on the wire`,
      ).toBe(false);
    expect(tap.msgs.every((m) => m.subject.endsWith(`.${topic}`))).toBe(true);

    // Unticked on the laptop: readings go on there, counted as withheld, and not one more reaches the server.
    await laptop.getByTestId('devices-shareExpressions').uncheck();
    const withheld = async () =>
      Number(
        /declassify-no-consent (\d+)/.exec(
          (await laptop.getByTestId('devices-counts').textContent()) ?? '',
        )?.[1] ?? 0,
      );
    await expect.poll(withheld, { timeout: 60_000 }).toBeGreaterThan(0);
    const atRevoke = crossed().length;
    const withheldAtRevoke = await withheld();
    await expect.poll(withheld, { timeout: 60_000 }).toBeGreaterThanOrEqual(withheldAtRevoke + 3);
    expect(crossed().length).toBe(atRevoke);
    expect(errors).toEqual([]);
  } finally {
    tap.stop();
    await laptopContext.close();
    await headsetContext.close();
  }
});
