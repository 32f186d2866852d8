import { describe, expect, it } from 'vitest';
import { createInferenceScheduler } from './scheduler';
import type { InferPriority } from './types';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('createInferenceScheduler', () => {
  it('never has more than `limit` calls in flight', async () => {
    const s = createInferenceScheduler(3);
    let inFlight = 0;
    let max = 0;
    const calls = Array.from({ length: 30 }, (_, i) =>
      s.run(`agent${i % 4}`, 'normal', async () => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        inFlight--;
        return i;
      }),
    );
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(max).toBe(3);
    expect(s.stats().maxInFlight).toBe(3);
    expect(s.stats().inFlight).toBe(0);
  });

  it('starts waiting calls by class: system > resource > error > normal', async () => {
    const s = createInferenceScheduler(1);
    const gate = deferred();
    const order: string[] = [];
    const blocker = s.run('x', 'normal', () => gate.promise);
    const classes: InferPriority[] = ['normal', 'error', 'resource', 'system', 'normal', 'system'];
    const runs = classes.map((c, i) =>
      s.run('a', c, async () => {
        order.push(`${c}${i}`);
      }),
    );
    gate.resolve();
    await Promise.all([blocker, ...runs]);
    expect(order).toEqual(['system3', 'system5', 'resource2', 'error1', 'normal0', 'normal4']);
  });

  it('is fair between agents within a class (round-robin)', async () => {
    const s = createInferenceScheduler(1);
    const gate = deferred();
    const order: string[] = [];
    const blocker = s.run('x', 'normal', () => gate.promise);
    const runs = [
      ...Array.from({ length: 4 }, () => s.run('chatty', 'normal', async () => void order.push('chatty'))),
      s.run('quiet', 'normal', async () => void order.push('quiet')),
    ];
    gate.resolve();
    await Promise.all([blocker, ...runs]);
    expect(order.indexOf('quiet')).toBe(1);
  });

  it('a failing call frees its slot and rejects only its caller', async () => {
    const s = createInferenceScheduler(1);
    const bad = s.run('a', 'normal', () => Promise.reject(new Error('model crashed')));
    const good = s.run('b', 'normal', async () => 42);
    await expect(bad).rejects.toThrow('model crashed');
    await expect(good).resolves.toBe(42);
    await flush();
    expect(s.stats().inFlight).toBe(0);
  });

  it('rejects a bad limit and an unknown priority', () => {
    expect(() => createInferenceScheduler(0)).toThrow(/whole number ≥ 1/);
    const s = createInferenceScheduler(1);
    expect(() => s.run('a', 'urgent' as InferPriority, async () => 1)).toThrow(/unknown inference priority/);
  });
});
