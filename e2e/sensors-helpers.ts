// Shared by the sensors specs: what the fixture images look like, and how to read the test page's events.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import type { Page } from '@playwright/test';
import { VIDEO_SEGMENTS } from './fixtures/timeline';
import type { RecordedEvent } from './pages/sensors-page';

export type Rgb = [number, number, number];

/** Mean colour of each fixture image the fake camera plays, and whether it shows a face. */
export function fixtureColours(): { hasFace: boolean; mean: Rgb }[] {
  return VIDEO_SEGMENTS.map((seg) => {
    const img = jpeg.decode(readFileSync(resolve(import.meta.dirname, 'fixtures/media', seg.image)), {
      useTArray: true,
    });
    const sum = [0, 0, 0];
    for (let i = 0; i < img.data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += img.data[i + c]!;
    const n = img.data.length / 4;
    return { hasFace: seg.hasFace, mean: sum.map((s) => s / n) as Rgb };
  });
}

export const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

export async function openSensorsPage(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/e2e/pages/sensors.html');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
}

export function eventsOf(page: Page, prefix: string): Promise<RecordedEvent[]> {
  return page.evaluate((p) => window.__sensors.events(p), prefix);
}

export async function waitForEvent(
  page: Page,
  topic: string,
  match: Record<string, unknown> = {},
  timeout = 15_000,
) {
  const handle = await page.waitForFunction(
    ([t, m]) =>
      window.__sensors
        .events(t)
        .find(
          (e) =>
            e.topic === t &&
            Object.entries(m).every(([k, v]) => (e.payload as Record<string, unknown>)[k] === v),
        ) ?? null,
    [topic, match] as const,
    { timeout },
  );
  return (await handle.jsonValue()) as RecordedEvent;
}
