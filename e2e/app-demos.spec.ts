// The four demos as real agents of the app (`/`), with the agents panel: the agent worker, the agents' bus
// subscriptions, the tool gateway and the simulated robot all run as users get them.
import { expect, test, type Page } from '@playwright/test';

async function openApp(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('hub-status')).toHaveText(/Bus hub running/);
  return errors;
}

async function agentsRunHere(page: Page): Promise<void> {
  await expect(page.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
  await expect(page.getByTestId('agents-list').getByRole('listitem')).toHaveCount(4);
}

test('sensor monitor: an injected overheat stops the simulated robot at once; shutdown waits for the user, and a decline is recorded, not performed', async ({
  page,
}) => {
  const errors = await openApp(page);
  await agentsRunHere(page);
  const card = page.getByTestId('demo-monitor');
  await expect(card.getByTestId('robot-simulated')).toContainText('not a real device');
  await expect(card.getByTestId('robot-state')).toHaveText('running');

  await card.getByTestId('inject-overheat').click();
  const history = card.getByTestId('tool-history');
  await expect(history.locator('[data-tool="robot.stop"][data-status="performed"]')).toHaveCount(1);
  await expect(card.getByTestId('robot-state')).toHaveText('stopped');
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
  await expect(page.getByTestId('agent-sensor-monitor-state')).toHaveText('rules fired: overheat ×1');
  await expect(page.getByTestId('agent-sensor-monitor-last-action')).toContainText('robot.');
  await expect(page.getByTestId('agent-sensor-monitor-health')).toContainText('0 failed · 0 dead letters');
  expect(errors).toEqual([]);
});

test('sensor monitor: an allowed shutdown is performed after confirmation', async ({ page }) => {
  await openApp(page);
  await agentsRunHere(page);
  const card = page.getByTestId('demo-monitor');
  await card.getByTestId('robot-reset').click();
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
  await expect(second.getByTestId('agents-list').getByRole('listitem')).toHaveCount(4);
  await expect(second.getByTestId('agent-meeting-notes-health')).toContainText('processed');
  // The robot runs next to the agents: its buttons are off here, its readings still arrive.
  await expect(second.getByTestId('inject-overheat')).toBeDisabled();
  await expect(second.getByTestId('robot-state')).toHaveText(/running|stopped|slowed|shut-down/);
  // Closing the first tab hands the agents to the second.
  await first.close();
  await expect(second.getByTestId('agents-where')).toHaveText('Agents run in this tab (in a worker).');
  await expect(second.getByTestId('inject-overheat')).toBeEnabled();
});

test('the agents panel says in words what each agent does, and fits a phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page);
  await agentsRunHere(page);
  for (const id of ['emotion-assistant', 'meeting-notes', 'gesture-assistant', 'sensor-monitor']) {
    const agent = page.getByTestId(`agent-${id}`);
    await expect(agent).toHaveAttribute('data-activity', /^(idle|working|degraded|learning)$/);
    await expect(page.getByTestId(`agent-${id}-activity`)).toHaveText(/^(Idle|Working|Degraded|Learning)/);
    await expect(page.getByTestId(`agent-${id}-mailbox`)).toHaveText(/^\d+ waiting/);
  }
  // The simulated robot's readings keep the monitor busy: its figure moves, and the text says so.
  await expect(page.getByTestId('agent-sensor-monitor')).toHaveAttribute('data-activity', 'working');
  await expect(page.getByTestId('agent-sensor-monitor').locator('.agent-body')).toHaveCSS(
    'animation-name',
    'agent-bounce',
  );
  const overflow = await page.getByTestId('agents-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
