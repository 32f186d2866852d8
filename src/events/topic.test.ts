import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPattern, assertTopic, patternMatches, TopicError } from './topic';
import { TopicTrie } from './topic-trie';

const token = fc.constantFrom('camera', 'front', 'back', 'face', 'audio', 'chunk', 'a', 'b');
const topicArb = fc.array(token, { minLength: 1, maxLength: 5 }).map((t) => t.join('.'));
const patternArb = fc
  .tuple(fc.array(fc.oneof(token, fc.constant('*')), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([t, gt]) => (gt ? [...t.slice(0, -1), '>'] : t).join('.'));

describe('topic grammar', () => {
  it.each([
    ['', /must not be empty/],
    ['camera..face', /token 2 is empty/],
    ['.camera', /token 1 is empty/],
    ['camera.*', /wildcard "\*" is only allowed in subscription patterns/],
    ['camera.fr ont', /characters outside/],
    ['a.'.repeat(20) + 'a', /more than 16 tokens/],
  ])('rejects topic %j with a reason', (topic, reason) => {
    expect(() => assertTopic(topic)).toThrow(TopicError);
    expect(() => assertTopic(topic)).toThrow(reason);
  });

  it('rejects a non-string topic', () => {
    expect(() => assertTopic(42)).toThrow(/must be a string/);
  });

  it.each([
    ['camera.>.face', /">" may only be the last token/],
    ['camera.fa*', /wildcards must be whole tokens/],
  ])('rejects pattern %j', (pattern, reason) => {
    expect(() => assertPattern(pattern)).toThrow(reason);
  });

  it('matches NATS semantics', () => {
    expect(patternMatches('camera.*.face', 'camera.front.face')).toBe(true);
    expect(patternMatches('camera.*', 'camera.front.face')).toBe(false);
    expect(patternMatches('camera.>', 'camera.front.face')).toBe(true);
    expect(patternMatches('camera.>', 'camera')).toBe(false);
    expect(patternMatches('>', 'x')).toBe(true);
  });
});

describe('TopicTrie', () => {
  it('agrees with the reference matcher for any set of patterns and topics', () => {
    fc.assert(
      fc.property(
        fc.array(patternArb, { maxLength: 30 }),
        fc.array(topicArb, { maxLength: 20 }),
        (patterns, topics) => {
          const trie = new TopicTrie<number>();
          patterns.forEach((p, i) => trie.add(p, i));
          for (const t of topics) {
            const expected = patterns
              .flatMap((p, i) => (patternMatches(p, t) ? [i] : []))
              .sort((a, b) => a - b);
            expect([...trie.match(t)].sort((a, b) => a - b)).toEqual(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact through removals (and its memo is invalidated)', () => {
    fc.assert(
      fc.property(
        fc.array(patternArb, { minLength: 1, maxLength: 20 }),
        topicArb,
        fc.nat(),
        (patterns, topic, seed) => {
          const trie = new TopicTrie<number>();
          patterns.forEach((p, i) => trie.add(p, i));
          trie.match(topic);
          const removed = seed % patterns.length;
          expect(trie.remove(patterns[removed]!, removed)).toBe(true);
          expect(trie.remove(patterns[removed]!, removed)).toBe(false);
          const expected = patterns.flatMap((p, i) => (i !== removed && patternMatches(p, topic) ? [i] : []));
          expect([...trie.match(topic)].sort((a, b) => a - b)).toEqual(expected);
          expect(trie.size).toBe(patterns.length - 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prunes empty branches after removal', () => {
    const trie = new TopicTrie<string>();
    trie.add('a.b.c.d', 'x');
    trie.remove('a.b.c.d', 'x');
    expect(trie.size).toBe(0);
    expect((trie as unknown as { root: { children: Map<string, unknown> } }).root.children.size).toBe(0);
  });
});
