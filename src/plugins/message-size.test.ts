import { describe, expect, it } from 'vitest';
import { messageBytes } from './message-size';

describe('messageBytes', () => {
  it('counts strings, buffers and nested containers', () => {
    const small = messageBytes({ type: 'publish', events: [{ payload: 'abc' }] }, 1 << 20);
    expect(small).toBeGreaterThan(6);
    expect(small).toBeLessThan(200);
    expect(messageBytes(new Uint8Array(1000), 1 << 20)).toBeGreaterThanOrEqual(1000);
  });

  it('sees what a for…in walk misses: Map and Set entries, Error messages', () => {
    const big = 'z'.repeat(1 << 20);
    expect(messageBytes({ m: new Map([['k', big]]) }, 1 << 20)).toBe(Infinity);
    expect(messageBytes({ s: new Set([big]) }, 1 << 20)).toBe(Infinity);
    expect(messageBytes({ e: new Error(big) }, 1 << 20)).toBe(Infinity);
  });

  it('stops at the limit and at the depth bound, and counts a shared value once', () => {
    expect(messageBytes('x'.repeat(600), 1000)).toBe(Infinity);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { deep };
    expect(messageBytes(deep, 1 << 20, 64)).toBe(Infinity);
    const shared = 'y'.repeat(300);
    const o = { shared };
    expect(messageBytes([o, o, o], 1000)).toBeLessThan(1000);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(messageBytes(cyclic, 1000)).toBeLessThan(100);
  });
});
