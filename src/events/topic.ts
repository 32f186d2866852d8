// Topic grammar (NATS conventions): dot-separated tokens of [A-Za-z0-9_-]. In a subscription pattern
// `*` stands for exactly one token and `>` (last only) for one or more trailing tokens.

export const MAX_TOPIC_LENGTH = 256;
export const MAX_TOPIC_TOKENS = 16;

const TOKEN = /^[A-Za-z0-9_-]+$/;
const TOPIC = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

export class TopicError extends Error {
  override name = 'TopicError';
  constructor(
    readonly topic: string,
    readonly reason: string,
  ) {
    super(`invalid topic "${topic}": ${reason}`);
  }
}

function checkShape(topic: unknown, kind: 'topic' | 'pattern'): asserts topic is string {
  if (typeof topic !== 'string') throw new TopicError(String(topic), `a ${kind} must be a string`);
  if (topic.length === 0) throw new TopicError(topic, `a ${kind} must not be empty`);
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new TopicError(topic.slice(0, 40) + '…', `longer than ${MAX_TOPIC_LENGTH} characters`);
  }
}

/** Why `topic` is not a concrete topic, or null when it is one. Concrete topics have no wildcards. */
export function topicProblem(topic: unknown): string | null {
  try {
    assertTopic(topic);
    return null;
  } catch (e) {
    return (e as TopicError).reason;
  }
}

export function isTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && wellFormed(topic);
}

function wellFormed(topic: string): boolean {
  return topic.length <= MAX_TOPIC_LENGTH && TOPIC.test(topic) && countTokens(topic) <= MAX_TOPIC_TOKENS;
}

function countTokens(s: string): number {
  let n = 1;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 46) n++;
  return n;
}

export function assertTopic(topic: unknown): asserts topic is string {
  checkShape(topic, 'topic');
  if (wellFormed(topic)) return;
  const tokens = topic.split('.');
  if (tokens.length > MAX_TOPIC_TOKENS) throw new TopicError(topic, `more than ${MAX_TOPIC_TOKENS} tokens`);
  tokens.forEach((t, i) => {
    if (t === '') throw new TopicError(topic, `token ${i + 1} is empty (leading, trailing or double dot)`);
    if (t === '*' || t === '>')
      throw new TopicError(topic, `wildcard "${t}" is only allowed in subscription patterns`);
    if (!TOKEN.test(t)) throw new TopicError(topic, `token "${t}" has characters outside [A-Za-z0-9_-]`);
  });
}

export function assertPattern(pattern: unknown): asserts pattern is string {
  checkShape(pattern, 'pattern');
  const tokens = pattern.split('.');
  if (tokens.length > MAX_TOPIC_TOKENS) throw new TopicError(pattern, `more than ${MAX_TOPIC_TOKENS} tokens`);
  tokens.forEach((t, i) => {
    if (t === '') throw new TopicError(pattern, `token ${i + 1} is empty (leading, trailing or double dot)`);
    if (t === '>' && i !== tokens.length - 1) throw new TopicError(pattern, '">" may only be the last token');
    if (t !== '*' && t !== '>' && !TOKEN.test(t)) {
      throw new TopicError(
        pattern,
        `token "${t}" has characters outside [A-Za-z0-9_-] (wildcards must be whole tokens)`,
      );
    }
  });
}

/** Reference matcher: a plain token-by-token comparison. The trie must agree with it (property test). */
export function patternMatches(pattern: string, topic: string): boolean {
  const p = pattern.split('.');
  const t = topic.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}
