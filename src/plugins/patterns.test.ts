import fc from 'fast-check';
import { expect, test } from 'vitest';
import { patternMatches } from '../events/topic';
import { patternCovers, patternsOverlap } from './patterns';

test.each([
  ['a.>', 'a.b', true],
  ['a.>', 'a.*.c', true],
  ['a.>', 'a.>', true],
  ['a.>', 'a', false],
  ['a.*', 'a.b', true],
  ['a.*', 'a.>', false],
  ['a.*', 'a.b.c', false],
  ['a.b', 'a.*', false],
  ['>', 'x.y.z', true],
  ['camera.*.face', 'camera.front.face', true],
  ['camera.*.face', 'camera.>', false],
])('%s covers %s: %s', (outer, inner, expected) => {
  expect(patternCovers(outer, inner)).toBe(expected);
});

test.each([
  ['camera.>', 'camera.front.frame', true],
  ['camera.>', '>', true],
  ['camera.>', '*.front', true],
  ['camera.>', 'vision.>', false],
  ['camera.>', 'camera', false],
  ['a.*.c', 'a.b.*', true],
  ['a.b', 'a.b.c', false],
])('%s overlaps %s: %s', (a, b, expected) => {
  expect(patternsOverlap(a, b)).toBe(expected);
  expect(patternsOverlap(b, a)).toBe(expected);
});

const token = fc.constantFrom('a', 'b', 'c');
const topic = fc.array(token, { minLength: 1, maxLength: 4 }).map((t) => t.join('.'));
const pattern = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '*'), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([t, rest]) => (rest ? [...t.slice(0, -1), '>'] : t).join('.'));

test('agrees with the reference matcher on every small topic', () => {
  const topics = fc.sample(topic, 300);
  fc.assert(
    fc.property(pattern, pattern, (a, b) => {
      const matchedA = topics.filter((t) => patternMatches(a, t));
      const both = matchedA.filter((t) => patternMatches(b, t));
      // covers ⇒ every matched topic is matched by the outer; a shared topic ⇒ overlap.
      if (patternCovers(a, b))
        expect(topics.filter((t) => patternMatches(b, t)).every((t) => patternMatches(a, t))).toBe(true);
      if (both.length) expect(patternsOverlap(a, b)).toBe(true);
    }),
  );
});
