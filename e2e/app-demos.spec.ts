// The four demos as real agents of the app (`/`), with the agents panel: the agent worker, the agents' bus
// subscriptions, the tool gateway and the simulated robot all run as users get them.
import { chromium, expect, test, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import { createDevEndpoint, type DevEndpoint } from '../scripts/dev-endpoint/server.mjs';
import { AUTO_GRANT_MEDIA_ARG, BASE_ARGS, chromiumPath } from './fixtures/chromium';
import { writePhotoCamera } from './fixtures/photo-camera';
import { GENERATED_DIR, MIC_FILE } from './fixtures/timeline';
import { inView } from './fixtures/panels';
import { startStaticServer, type StaticServer } from './fixtures/static-server';
import { routeToDevEndpoint } from './fixtures/dev-routing';

async function openApp(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  return errors;
}

const agentsPanel = (page: Page) => page.getByTestId('agents-panel');

async function agentsRunHere(page: Page): Promise<void> {
  await expect(page.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
  await inView(agentsPanel(page), () =>
    expect(page.getByTestId('agents-list').getByRole('listitem')).toHaveCount(4, { timeout: 2000 }),
  );
}

test('sensor monitor: an injected overheat stops the simulated robot at once; shutdown waits for the user, and a decline is recorded, not performed', async ({
  page,
}) => {
  const errors = await openApp(page);
  await agentsRunHere(page);
  const card = page.getByTestId('demo-monitor');
  await expect(card.getByTestId('robot-simulated')).toContainText('not a real device');
  // Off until the user powers it on: an idle dashboard stays idle.
  await expect(card.getByTestId('inject-overheat')).toBeDisabled();
  await card.getByTestId('robot-power').click();
  await expect(card.getByTestId('robot-state')).toHaveText('running');

  await card.getByTestId('inject-overheat').click();
  const history = card.getByTestId('tool-history');
  // Under load a second hot reading may reach the rules before the stop lands: a repeated stop is harmless,
  // and a repeated question is joined to the one already asked.
  await expect(history.locator('[data-tool="robot.stop"][data-status="performed"]').first()).toBeVisible();
  await expect(card.getByTestId('robot-state')).toHaveText('stopped');
  await expect(card.getByRole('alertdialog')).toHaveCount(1);
  const dialog = card.getByRole('alertdialog', { name: 'Allow robot.shutdown?' });
  await expect(dialog).toContainText('because of overheat');
  await expect(
    history.locator('[data-tool="robot.shutdown"][data-status="awaiting-confirmation"]'),
  ).toHaveCount(1);

  await dialog.getByTestId('confirm-decline').click();
  await expect(dialog).toHaveCount(0);
  await expect(history.locator('[data-tool="robot.shutdown"][data-status="declined"]')).toHaveText(
    /robot\.shutdown \(overheat\): declined by you: not performed/,
  );
  // A stopped robot cools; it was never shut down, and the rules did not fire again on a stopped robot.
  await expect(card.getByTestId('robot-state')).toHaveText('stopped');
  await expect(history.locator('[data-tool="robot.shutdown"][data-status="performed"]')).toHaveCount(0);
  await inView(agentsPanel(page), async () => {
    await expect(page.getByTestId('agent-sensor-monitor-state')).toHaveText(/^rules fired: overheat ×\d+$/, {
      timeout: 2000,
    });
    await expect(page.getByTestId('agent-sensor-monitor-last-action')).toContainText('robot.', {
      timeout: 2000,
    });
    await expect(page.getByTestId('agent-sensor-monitor-health')).toContainText('0 failed · 0 dead letters', {
      timeout: 2000,
    });
  });
  // The same, for scripts: window.sentio.agents is the running host.
  const monitor = await page.evaluate(async () => {
    const { agents } = window.sentio as unknown as {
      agents: { inspect(): Promise<{ agents: { snapshot: { id: string; state: unknown } }[] } | null> };
    };
    return (await agents.inspect())?.agents.find((a) => a.snapshot.id === 'sensor-monitor')?.snapshot.state;
  });
  expect(monitor).toEqual({ fired: { overheat: expect.any(Number) } });
  expect(errors).toEqual([]);
});

test('sensor monitor: an allowed shutdown is performed after confirmation', async ({ page }) => {
  await openApp(page);
  await agentsRunHere(page);
  const card = page.getByTestId('demo-monitor');
  await card.getByTestId('robot-power').click();
  await card.getByTestId('inject-overheat').click();
  await card.getByRole('alertdialog', { name: 'Allow robot.shutdown?' }).getByTestId('confirm-allow').click();
  await expect(card.getByTestId('robot-state')).toHaveText('shut-down');
  await expect(
    card.getByTestId('tool-history').locator('[data-tool="robot.shutdown"][data-status="performed"]'),
  ).toContainText('after you confirmed');
});

test('a second tab shows that the agents run in the first, and shows them from there', async ({
  context,
}) => {
  const first = await context.newPage();
  await openApp(first);
  await agentsRunHere(first);
  const second = await context.newPage();
  await openApp(second);
  await expect(second.getByTestId('agents-where')).toHaveText(
    'Agents run in another tab of this browser; this panel shows them from there.',
  );
  await inView(agentsPanel(second), async () => {
    await expect(second.getByTestId('agents-list').getByRole('listitem')).toHaveCount(4, { timeout: 2000 });
    await expect(second.getByTestId('agent-meeting-notes-health')).toContainText('processed', {
      timeout: 2000,
    });
  });
  // The robot runs next to the agents: its buttons are off here, its readings still arrive.
  await first.getByTestId('robot-power').click();
  await expect(second.getByTestId('robot-power')).toBeDisabled();
  await expect(second.getByTestId('robot-state')).toHaveText('running');
  // Closing the first tab hands the agents to the second.
  await first.close();
  await expect(second.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
  await expect(second.getByTestId('robot-power')).toBeEnabled();
});

test('the agents panel says in words what each agent does, and fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await agentsRunHere(page);
  for (const id of ['emotion-assistant', 'meeting-notes', 'gesture-assistant', 'sensor-monitor']) {
    const agent = page.getByTestId(`agent-${id}`);
    await inView(agent, async () => {
      await expect(agent).toHaveAttribute('data-activity', /^(idle|working|degraded|learning)$/, {
        timeout: 2000,
      });
      await expect(page.getByTestId(`agent-${id}-activity`)).toHaveText(/^(Idle|Working|Degraded|Learning)/, {
        timeout: 2000,
      });
      await expect(page.getByTestId(`agent-${id}-mailbox`)).toHaveText(/^\d+ waiting/, { timeout: 2000 });
    });
  }
  // The simulated robot's readings keep the monitor busy: its figure moves, and the text says so.
  await page.getByTestId('robot-power').click();
  const monitorAgent = page.getByTestId('agent-sensor-monitor');
  await inView(monitorAgent, () =>
    expect(monitorAgent).toHaveAttribute('data-activity', 'working', { timeout: 2000 }),
  );
  await expect(page.getByTestId('agent-sensor-monitor').locator('.agent-body')).toHaveCSS(
    'animation-name',
    'agent-bounce',
  );
  const overflow = await page.getByTestId('agents-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("the Bus panel's delivered count for an agent's subscriptions agrees with what the agent processed", async ({
  page,
}) => {
  const errors = await openApp(page);
  await agentsRunHere(page);
  // The robot's readings are published in this tab and the agents' subscriptions live here too: they never
  // pass through the hub, which used to show "delivered 0" beside an agent with dozens processed.
  const processed = () =>
    page.evaluate(async () => {
      const { agents } = window.sentio as unknown as {
        agents: { inspect(): Promise<{ agents: { snapshot: { id: string; processed: number } }[] } | null> };
      };
      return (await agents.inspect())?.agents.find((a) => a.snapshot.id === 'sensor-monitor')?.snapshot
        .processed;
    });
  const card = page.getByTestId('demo-monitor');
  await card.getByTestId('robot-power').click();
  await expect.poll(processed, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await card.getByTestId('robot-power').click(); // powered off: the readings stop and the numbers settle
  await expect(card.getByTestId('robot-state')).toHaveText('powered off');
  const rows = page
    .getByTestId('subscriptions-table')
    .locator('tbody tr', { hasText: '(agent.sensor-monitor.' });
  const delivered = async () => {
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[3]?.textContent ?? ''));
    return cells.reduce((a, c) => a + Number(c), 0);
  };
  await inView(page.getByTestId('bus-stats'), async () => {
    await expect(rows).toHaveCount(2, { timeout: 2000 }); // sim.robot.telemetry and device.motion
    const [d, p] = [await delivered(), await processed()];
    expect(`${d} delivered`).toBe(`${p} delivered`);
    expect(d).toBeGreaterThanOrEqual(3);
  });
  expect(errors).toEqual([]);
});

// ── With the fake camera and microphone playing real media (e2e/fixtures/timeline.ts) ──

/** Starts the app's camera and microphone pipelines the way a user does. */
async function startSensors(page: Page): Promise<void> {
  await page.getByTestId('start-sensors').click();
}

test.describe('with the camera and microphone', () => {
  // Loading the face, expression, pose, voice and speech models on a shared CPU takes a while.
  test.describe.configure({ timeout: 240_000 });

  test('the smiling astronaut gets a local reaction, speech becomes notes with "go forward", and a pose without a raised hand suggests nothing', async ({
    page,
  }) => {
    const errors = await openApp(page);
    await agentsRunHere(page);
    // Count the poses the real pipeline publishes, to know the gesture agent had its chance.
    await page.evaluate(() => {
      const w = window as unknown as { posesSeen: number };
      w.posesSeen = 0;
      window.sentio!.bus.subscribe('vision.pose', () => void w.posesSeen++);
    });
    await startSensors(page);

    const reaction = page.getByTestId('emotion-reaction').first();
    await expect(reaction).toContainText('You look happy', { timeout: 120_000 });
    await expect(reaction).toContainText('local');
    // No endpoint is configured in this build: the reaction stays on the device, and the card says why.
    await expect(reaction.getByTestId('kept-local')).toContainText('Stayed on this device:');

    const notes = page.getByTestId('notes-list');
    await expect(notes).toContainText(/go forward/i, { timeout: 180_000 });
    await expect(
      notes
        .getByTestId('note')
        .filter({ hasText: /go forward/i })
        .first(),
    ).toContainText(/Action: Go forward/i);
    await page.getByTestId('notes-summarize').click();
    await expect(page.getByTestId('notes-summary')).toContainText('Stayed on this device:');
    await inView(page.getByTestId('agents-panel'), () =>
      expect(page.getByTestId('agent-meeting-notes-state')).toHaveText(/[1-9]\d* notes?, [1-9]/, {
        timeout: 2000,
      }),
    );

    await page.waitForFunction(() => (window as unknown as { posesSeen: number }).posesSeen >= 3, null, {
      timeout: 120_000,
    });
    // The astronaut's wrists are below her shoulders: no gesture, so no suggestion.
    await expect(page.getByTestId('gesture-suggestion')).toHaveCount(0);
    await inView(page.getByTestId('agents-panel'), () =>
      expect(page.getByTestId('agent-gesture-assistant-state')).toHaveText(
        '0 gestures seen, 0 suggestions kept',
        { timeout: 2000 },
      ),
    );
    expect(errors).toEqual([]);

    // The notes are the agent's durable state: after a reload, without any sensor, the card shows them again.
    await page.reload();
    await agentsRunHere(page);
    await expect(page.getByTestId('notes-list')).toContainText(/go forward/i);
    await expect(page.getByTestId('notes-summary')).toContainText('Stayed on this device:');
  });
});

test.describe('with the development endpoint and consent', () => {
  test.describe.configure({ timeout: 240_000 });
  let dev: DevEndpoint;
  test.beforeAll(async () => {
    dev = await createDevEndpoint({ port: 0 });
  });
  test.afterAll(() => dev?.close());

  test('the endpoint refines the reaction and the notes, and writes the summary', async ({ page }) => {
    const errors = await openApp(page);
    await agentsRunHere(page);
    await routeToDevEndpoint(page, dev.url, ['cloud.chat', 'cloud.transcript', 'cloud.expression']);
    await startSensors(page);

    const reaction = page.getByTestId('emotion-reaction').first();
    await expect(reaction).toContainText('You look happy', { timeout: 120_000 });
    // The development endpoint is not a model: it answers with what it received, which proves the round trip.
    await expect(reaction.getByTestId('refined')).toContainText(
      'Refined by the endpoint: Development endpoint',
    );
    await expect(reaction.getByTestId('refined')).toContainText('happy');

    const note = page
      .getByTestId('note')
      .filter({ hasText: /go forward/i })
      .first();
    await expect(note).toBeVisible({ timeout: 180_000 });
    await expect(note.getByTestId('refined')).toContainText(/starting "Go forward/i);
    await page.getByTestId('notes-summarize').click();
    // The summary is asked of the notes as a bullet list (here, the endpoint's refined lines).
    await expect(page.getByTestId('notes-summary').getByTestId('refined')).toContainText(
      /Refined by the endpoint: Development endpoint.* starting "- /,
    );
    expect(dev.stats().requests).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
  });
});

test.describe('with the development endpoint and no consent yet', () => {
  test.describe.configure({ timeout: 300_000 });
  let dev: DevEndpoint;
  test.beforeAll(async () => {
    dev = await createDevEndpoint({ port: 0 });
  });
  test.afterAll(() => dev?.close());

  test('a card\'s "no consent" offers that one grant: one click grants exactly it, audited; Summarise still summarises on the device', async ({
    page,
  }) => {
    const errors = await openApp(page);
    await agentsRunHere(page);
    await routeToDevEndpoint(page, dev.url);
    await startSensors(page);

    // The reaction's expression is local data: lowering it for the endpoint needs cloud.expression on "dev".
    const reaction = page.getByTestId('emotion-reaction').first();
    await expect(reaction).toContainText('You look happy', { timeout: 120_000 });
    const kept = reaction.getByTestId('kept-local');
    await expect(kept).toContainText(
      'Stayed on this device: no consent for "cloud.expression" on endpoint "dev"',
    );
    const grant = kept.getByTestId('grant-consent');
    await expect(grant).toHaveText('Allow cloud.expression to "dev"');
    const granted = () =>
      page.evaluate(() => {
        const { consent } = window.sentio!.router;
        return ['cloud.expression', 'cloud.chat', 'cloud.transcript', 'cloud.embeddings'].filter(
          (capability) => consent.isGranted({ capability, endpoint: 'dev' }),
        );
      });
    expect(await granted()).toEqual([]);
    await grant.click();
    await expect(kept.getByTestId('consent-granted')).toBeVisible();
    // Exactly that capability, for that endpoint: nothing else, and no wildcard.
    expect(await granted()).toEqual(['cloud.expression']);
    expect(
      await page.evaluate(() =>
        window.sentio!.router.consent.isGranted({ capability: 'cloud.expression', endpoint: 'other' }),
      ),
    ).toBe(false);
    // Audited like a grant from Settings.
    const grants = await page.evaluate(async () =>
      (await window.sentio!.router.audit.entries())
        .map((row) => row.entry as { what: string; capability: string; endpoint: string; decision: string })
        .filter((e) => e.what === 'consent.grant')
        .map((e) => ({ capability: e.capability, endpoint: e.endpoint, decision: e.decision })),
    );
    expect(grants).toEqual([{ capability: 'cloud.expression', endpoint: 'dev', decision: 'consent' }]);

    // Without consent for the transcripts, Summarise still gives a summary: extracted on this device.
    const note = page
      .getByTestId('note')
      .filter({ hasText: /go forward/i })
      .first();
    await expect(note).toBeVisible({ timeout: 180_000 });
    await page.getByTestId('notes-summarize').click();
    const summary = page.getByTestId('notes-summary');
    await expect(summary.getByTestId('notes-local-summary')).toContainText(/go forward/i, {
      timeout: 60_000,
    });
    await expect(summary.getByTestId('kept-local')).toContainText('Stayed on this device: no consent for');
    await expect(summary.getByTestId('grant-consent')).toHaveCount(1);
    expect(errors).toEqual([]);
  });
});

// ── With a local text model the user brings (issue 18): the real tiny llama (stories260K) ──

test.describe('with a local text model', () => {
  test.describe.configure({ timeout: 240_000 });
  const SHA256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
  // The model host: another origin (e2e/PORTS.md, + 14).
  const MODEL_PORT = Number(process.env.SENTIO_E2E_PORT ?? 4173) + 14;
  let models: StaticServer;
  let closed = false;
  test.beforeAll(async () => {
    models = await startStaticServer({
      root: resolve(import.meta.dirname, 'fixtures/models'),
      port: MODEL_PORT,
      headers: { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
    });
  });
  test.afterAll(async () => {
    if (!closed) await models?.close();
  });

  const chat = (page: Page, text: string) =>
    page.evaluate(async (t) => {
      const r = (await window.sentio!.router.infer('chat', t, { privacy: 'private' })) as {
        decision: { route: string; code: string; reason: string };
        output?: { text: string; model: string };
      };
      return { decision: r.decision, output: r.output ?? null };
    }, text);

  test('added in Settings by URL and sha256, it answers chat and Summarise on the device, and after an offline reload from its stored copy', async ({
    page,
    context,
  }) => {
    const errors = await openApp(page);
    await agentsRunHere(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const settings = page.getByTestId('local-model-settings');
    // No model yet: no generation worker was started…
    expect(await page.evaluate(() => window.sentio!.generation!.client())).toBeNull();
    // …and nothing in storage: listing the (empty) library creates no cache.
    await expect(settings.getByTestId('local-model-message')).toHaveText(/No local text model yet/);
    expect(await page.evaluate(() => caches.has('sentio-local-models-v1'))).toBe(false);

    await settings.scrollIntoViewIfNeeded();
    // A wrong checksum is refused by name, and nothing is stored.
    await settings.getByTestId('local-model-url').fill(`${models.origin}/stories260K.gguf`);
    await settings.getByTestId('local-model-sha256').fill('0'.repeat(64));
    await settings.getByTestId('local-model-add').click();
    await expect(settings.getByTestId('local-model-status')).toHaveText(/^Not added: ModelChecksumError: /, {
      timeout: 60_000,
    });
    await expect(settings.getByTestId('local-model-message')).toHaveText(/No local text model yet/);
    await settings.getByTestId('local-model-sha256').fill(SHA256);
    // The file does not state its licence (stories260K is MIT, see fixtures/models/PROVENANCE.md).
    await settings.getByTestId('local-model-declared-licence').fill('MIT');
    await settings.getByTestId('local-model-add').click();
    await expect(settings.getByTestId('local-model-status')).toHaveText(
      'Added stories260K (1.2 MB) and loaded: chat now answers on this device.',
      { timeout: 120_000 },
    );
    const row = settings.getByTestId('local-model-stories260K');
    await expect(row.getByTestId('local-model-size')).toHaveText('1.2 MB');
    await expect(row.getByTestId('local-model-licence')).toHaveText('· licence: MIT');
    await expect(row.getByTestId('local-model-loaded')).toBeVisible();

    // No endpoint in this build: a private chat is answered by the local model, and the decision says why.
    const answered = await chat(page, 'Tell me about a cat.');
    expect(answered.decision.route).toBe('local');
    expect(answered.decision.reason.length).toBeGreaterThan(0);
    expect(answered.output).toMatchObject({ model: 'stories260K' });
    expect(answered.output!.text.length).toBeGreaterThan(0);

    // A note (as the speech pipeline publishes a transcript), then Summarise: written by the local model.
    await page.evaluate(() =>
      window.sentio!.bus.publish(
        'audio.transcript',
        { stream: 'mic', segment: 1, text: 'Go forward to the door, then open it.', start: 0, end: 2 },
        { privacy: 'local' },
      ),
    );
    await expect(page.getByTestId('notes-list')).toContainText(/go forward/i, { timeout: 60_000 });
    await page.getByTestId('notes-summarize').click();
    const summary = page.getByTestId('notes-summary').getByTestId('refined');
    await expect(summary).toContainText('Refined by the local model:', { timeout: 60_000 });
    await expect(summary.getByTestId('route-reason')).toContainText('local');

    // Remove frees it and chat is no longer local; the same model from a file on this device is back at once.
    await row.getByTestId('local-model-remove-stories260K').click();
    await expect(settings.getByTestId('local-model-message')).toHaveText(/No local text model yet/);
    await expect.poll(() => page.evaluate(() => window.sentio!.generation!.loaded())).toBeNull();
    const removed = await chat(page, 'Tell me about a cat.');
    expect(removed.decision.route).not.toBe('local');
    expect(removed.decision.reason).toContain('no local model');
    await settings
      .getByTestId('local-model-file')
      .setInputFiles(resolve(import.meta.dirname, 'fixtures/models/stories260K.gguf'));
    await expect(settings.getByTestId('local-model-status')).toHaveText(
      'Added stories260K (1.2 MB) and loaded: chat now answers on this device.',
      { timeout: 120_000 },
    );
    await expect(row).toContainText('file stories260K.gguf');
    expect((await chat(page, 'A dog?')).decision.route).toBe('local');
    expect(errors).toEqual([]);

    // Offline, with the model host gone: the reload loads the stored copy and chat is local again.
    await models.close();
    closed = true;
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
    await expect
      .poll(() => page.evaluate(() => window.sentio!.generation!.loaded()?.model ?? null), {
        timeout: 120_000,
      })
      .toBe('stories260K');
    const offline = await chat(page, 'Once upon a time');
    expect(offline.decision.route).toBe('local');
    expect(offline.output).toMatchObject({ model: 'stories260K' });
    await context.setOffline(false);
  });
});

test('gesture: a real photo of a raised hand on the camera → "Ask a question?"', async ({ baseURL }) => {
  test.setTimeout(240_000);
  // A browser of its own, whose fake camera plays opencv-doc's photo of a footballer with his arm raised.
  const camera = resolve(GENERATED_DIR, 'hand-raised.y4m');
  await writePhotoCamera(resolve('e2e/fixtures/media/hand-raised-548x342.jpg'), camera);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      ...BASE_ARGS,
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${camera}`,
      `--use-file-for-fake-audio-capture=${resolve(MIC_FILE)}`,
      AUTO_GRANT_MEDIA_ARG,
    ],
  });
  try {
    const page = await browser.newPage(baseURL ? { baseURL } : {});
    const errors = await openApp(page);
    await agentsRunHere(page);
    await startSensors(page);
    const suggestion = page.getByTestId('gesture-suggestion').first();
    await expect(suggestion).toContainText('Ask a question?', { timeout: 180_000 });
    await expect(suggestion).toContainText('hand-raised, right hand');
    // Held in every frame, the gesture is suggested once, not per frame.
    await expect(page.getByTestId('gesture-suggestion')).toHaveCount(1);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
