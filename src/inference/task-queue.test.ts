import { describe, expect, it } from 'vitest';
import { InferenceCancelledError } from './errors';
import { createTaskQueue } from './task-queue';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

describe('task queue', () => {
  it('runs one at a time in order', async () => {
    const q = createTaskQueue('t');
    const order: number[] = [];
    const g = gate();
    const a = q.push(1, false, async () => (await g.p, order.push(1), 1));
    const b = q.push(2, false, async () => (order.push(2), 2));
    expect(q.stats()).toMatchObject({ queued: 1, running: true });
    g.open();
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    expect(order).toEqual([1, 2]);
  });

  it('a newer realtime request replaces a waiting one (latest wins), never the running one', async () => {
    const q = createTaskQueue('face-detection');
    const g = gate();
    const running = q.push(1, true, async () => (await g.p, 'frame1'));
    const stale = q.push(2, true, async () => 'frame2');
    const latest = q.push(3, true, async () => 'frame3');
    const batch = q.push(4, false, async () => 'batch');
    g.open();
    await expect(stale).rejects.toThrow(InferenceCancelledError);
    await expect(stale).rejects.toMatchObject({ reason: 'superseded' });
    expect(await running).toBe('frame1');
    expect(await latest).toBe('frame3');
    expect(await batch).toBe('batch');
    expect(q.stats()).toMatchObject({ superseded: 1, completed: 3 });
  });

  it('cancels a waiting request, and drops the result of a running one', async () => {
    const q = createTaskQueue('t');
    const g = gate();
    const running = q.push(1, false, async () => (await g.p, 1));
    const waiting = q.push(2, false, async () => 2);
    expect(q.cancel(2)).toBe(true);
    expect(q.cancel(1)).toBe(true);
    expect(q.cancel(99)).toBe(false);
    g.open();
    await expect(waiting).rejects.toMatchObject({ name: 'InferenceCancelledError', reason: 'cancelled' });
    await expect(running).rejects.toMatchObject({ name: 'InferenceCancelledError' });
  });

  it('a failing request does not stop the queue', async () => {
    const q = createTaskQueue('t');
    const bad = q.push(1, false, async () => Promise.reject(new Error('boom')));
    const good = q.push(2, false, async () => 'ok');
    await expect(bad).rejects.toThrow('boom');
    expect(await good).toBe('ok');
    expect(q.stats().failed).toBe(1);
  });
});
