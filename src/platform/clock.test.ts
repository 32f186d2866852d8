import { describe, expect, it } from 'vitest';
import { createSimulatedClock, sleep, systemClock } from './clock';

describe('simulated clock', () => {
  it('runs due timers in due order, then in the order they were set', () => {
    const clock = createSimulatedClock(1000);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b@20'), 20);
    clock.setTimeout(() => ran.push('a@10'), 10);
    clock.setTimeout(() => ran.push('c@20'), 20);
    clock.advance(15);
    expect(ran).toEqual(['a@10']);
    expect(clock.now()).toBe(1015);
    clock.advance(5);
    expect(ran).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.pending()).toBe(0);
  });

  it('runs timers set by timers when they fall due within the same advance, at their own time', () => {
    const clock = createSimulatedClock();
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 5);
    }, 10);
    clock.advance(100);
    expect(at).toEqual([10, 15]);
    expect(clock.now()).toBe(100);
  });

  it('does not run cleared timers, and reports what was asked for', () => {
    const clock = createSimulatedClock();
    let ran = false;
    const h = clock.setTimeout(() => (ran = true), 10);
    clock.setTimeout(() => {}, 30);
    clock.clearTimeout(h);
    expect(clock.nextDue()).toBe(30);
    clock.advance(50);
    expect(ran).toBe(false);
    expect(clock.requested).toEqual([10, 30]);
  });

  it('sleeps on the clock it is given and stops at an abort', async () => {
    const clock = createSimulatedClock();
    let woke = false;
    const slept = sleep(clock, 100).then(() => (woke = true));
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1);
    await slept;
    expect(woke).toBe(true);

    const abort = new AbortController();
    const cut = sleep(clock, 100, abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(cut).rejects.toThrow('cancelled');
    expect(clock.pending()).toBe(0);
    await expect(sleep(clock, 1, abort.signal)).rejects.toThrow('cancelled');
  });

  it('the system clock really waits', async () => {
    const t0 = Date.now();
    await sleep(systemClock, 5);
    expect(Date.now()).toBeGreaterThanOrEqual(t0 + 4);
  });
});
