import { expect, it } from 'vitest';
import { createSimulatedClock } from './clock';
import { WindowCounter } from './window-counter';

it('counts the occurrences within the window, forgetting older ones', () => {
  const clock = createSimulatedClock();
  const c = new WindowCounter(1000, clock.now);
  expect(c.hit()).toBe(1);
  clock.advance(500);
  expect(c.hit()).toBe(2);
  clock.advance(500); // the first is now exactly one window old
  expect(c.hit()).toBe(2);
  c.reset();
  expect(c.hit()).toBe(1);
});

it('reads the count without counting, and keeps only the window in memory through a long burst', () => {
  const clock = createSimulatedClock();
  const c = new WindowCounter(1000, clock.now);
  for (let i = 0; i < 100_000; i++) {
    c.hit();
    if (i % 10 === 9) clock.advance(1); // 10 per ms: 10,000 within any window
  }
  // The clock moved on after the last ten: the window holds the 999 ms before now.
  expect(c.count()).toBe(9_990);
  expect((c as unknown as { stamps: number[] }).stamps.length).toBeLessThan(25_000);
  clock.advance(998);
  expect(c.count()).toBe(10);
  clock.advance(1);
  expect(c.count()).toBe(0);
});
