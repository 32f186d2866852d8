import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Qos, SentioEvent } from '../events/event';
import { compareEntries, Mailbox, type MailboxEntry } from './mailbox';

function entry(seq: number, qos: Qos = 'batched', priority?: number): MailboxEntry {
  const event = { id: `e${seq}`, qos, ...(priority !== undefined ? { priority } : {}) } as SentioEvent;
  return { seq, event };
}

describe('Mailbox', () => {
  it('orders by QoS class, then priority (higher first), then arrival', () => {
    const m = new Mailbox();
    m.push(entry(1, 'batched'));
    m.push(entry(2, 'background', 9));
    m.push(entry(3, 'realtime'));
    m.push(entry(4, 'batched', 5));
    m.push(entry(5, 'batched'));
    const out: number[] = [];
    for (let e = m.shift(); e; e = m.shift()) out.push(e.seq);
    expect(out).toEqual([3, 4, 1, 5, 2]);
  });

  it('drains in exactly the sorted order for any input (property)', () => {
    const qos = fc.constantFrom<Qos>('realtime', 'batched', 'background');
    fc.assert(
      fc.property(fc.array(fc.tuple(qos, fc.integer({ min: -3, max: 3 })), { maxLength: 200 }), (specs) => {
        const m = new Mailbox();
        const entries = specs.map(([q, p], i) => entry(i, q, p));
        for (const e of entries) m.push(e);
        const out: MailboxEntry[] = [];
        for (let e = m.shift(); e; e = m.shift()) out.push(e);
        expect(out).toEqual([...entries].sort(compareEntries));
      }),
    );
  });

  it('ignores a redelivered event that is still waiting', () => {
    const m = new Mailbox();
    expect(m.push(entry(1)).accepted).toBe(true);
    expect(m.push(entry(1)).accepted).toBe(false);
    expect(m.size).toBe(1);
  });

  it('when bounded, pushes out the lowest-ranked entry and counts it', () => {
    const m = new Mailbox(2);
    m.push(entry(1, 'background'));
    m.push(entry(2, 'batched'));
    const r = m.push(entry(3, 'realtime'));
    expect(r.accepted).toBe(true);
    expect(r.evicted?.seq).toBe(1);
    const worst = m.push(entry(4, 'background'));
    expect(worst.accepted).toBe(false);
    expect(worst.evicted?.seq).toBe(4);
    expect(m.droppedCount).toBe(2);
    expect([m.shift()?.seq, m.shift()?.seq]).toEqual([3, 2]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Mailbox(0)).toThrow(/capacity must be ≥ 1/);
  });
});
