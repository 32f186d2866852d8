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
