import { expect, test } from 'vitest';
import { parsePluginMessage } from './protocol';

test('accepts the messages a plugin may send', () => {
  for (const m of [
    { type: 'loaded' },
    { type: 'ready' },
    { type: 'publish', events: [] },
    { type: 'subscribe', requestId: 0, pattern: 'a.>' },
    { type: 'act', requestId: 1, actuator: 'toast', args: { text: 'hi' } },
    { type: 'storage', requestId: 2, op: 'set', key: 'k', value: 1 },
    { type: 'done', count: 3 },
    { type: 'pong', seq: 4 },
    { type: 'error', phase: 'event', error: { name: 'TypeError', message: 'x' } },
    { type: 'fault', error: { name: 'SyntaxError', message: 'y' } },
  ]) {
    expect(parsePluginMessage(m)).toEqual({ ok: true, message: m });
  }
});

test.each([
  [null, 'a message must be an object with a type'],
  [{ type: 'init' }, 'unknown message type "init"'],
  [{ type: 'publish', events: 'x' }, 'publish: events must be an array'],
  [{ type: 'subscribe', requestId: -1, pattern: 'a' }, 'subscribe: requestId must be a non-negative integer'],
  [{ type: 'storage', requestId: 1, op: 'drop', key: 'k' }, 'storage: op must be get, set or delete'],
  [{ type: 'done', count: 1.5 }, 'done: count must be a non-negative integer'],
  [{ type: 'error', phase: 'boot', error: {} }, 'error: phase must be init, event or runtime'],
])('refuses %j: %s', (m, reason) => {
  expect(parsePluginMessage(m)).toEqual({ ok: false, reason });
});
