import { expect, test } from 'vitest';
import { createTokenBucket } from './rate-limit';

test('allows a burst, then the sustained rate', () => {
  let now = 1000;
  const bucket = createTokenBucket(10, 5, { now: () => now });
  for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
  now += 100; // one token back at 10/s
  expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
  now += 60_000; // never more than the burst
  expect(bucket.take(5)).toBe(true);
  expect(bucket.take()).toBe(false);
  expect(bucket.take(0)).toBe(true);
});
