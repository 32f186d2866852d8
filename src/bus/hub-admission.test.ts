import { describe, expect, it, vi } from 'vitest';
import { ackedVersion, clientLockName, creditGrants, helloProblem, subscribeProblem } from './hub-admission';
import type { HubSubscription } from './hub-subscription';
import type { WireSubscription } from './protocol';
import { InterestBarrier, type AckingClient } from './interest-barrier';
import { PublisherGuard } from './publisher-rules';
import type { SentioEvent } from '../events/event';

const hello = (patch: Record<string, unknown> = {}) =>
  ({ clientId: 'abc123', name: 'tab', protocol: 1, lockName: null, ...patch }) as never;

describe('helloProblem', () => {
  it('admits a well-formed hello', () => {
    expect(helloProblem(hello(), () => false)).toBeNull();
    expect(helloProblem(hello({ lockName: clientLockName('abc123') }), () => false)).toBeNull();
  });

  it.each([
    [{ protocol: 99 }, 'ProtocolError', /protocol 99, hub speaks 1/],
    [{ clientId: '' }, 'ProtocolError', /clientId/],
    [{ clientId: 'x'.repeat(65) }, 'ProtocolError', /clientId/],
    [{ name: 7 }, 'ProtocolError', /hello\.name/],
    // Another lock would make the hub hold (and steal) a lock that is not this client's liveness.
    [
      { lockName: 'sentio.agents' },
      'ProtocolError',
      /lockName must be null or "sentio\.bus\.client\.abc123"/,
    ],
  ])('refuses %j', (patch, name, message) => {
    expect(helloProblem(hello(patch), () => false)).toMatchObject({
      name,
      message: expect.stringMatching(message),
    });
  });

  it('refuses an id a connected client holds, instead of cutting that client off', () => {
    expect(helloProblem(hello(), (id) => id === 'abc123')?.name).toBe('ClientIdInUseError');
  });
});

describe('ackedVersion and creditGrants', () => {
  it('accepts only whole versions the hub has sent', () => {
    expect(ackedVersion({ version: 3 }, 5)).toBe(3);
    for (const version of ['x', NaN, -1, 6, 1.5, undefined])
      expect(ackedVersion({ version }, 5)).toMatchObject({ name: 'ProtocolError' });
  });

  it('keeps good grants and refuses the rest with one error', () => {
    expect(creditGrants({ grants: [['a', 2]] })).toEqual({ grants: [['a', 2]], error: null });
    const r = creditGrants({ grants: [['a', 1], ['b', NaN], [3, 1], 'c', ['d', 0], ['e', 2 ** 40]] });
    expect(r.grants).toEqual([['a', 1]]);
    expect(r.error?.message).toMatch(/5 entries are not/);
    expect(creditGrants({ grants: 'x' }).error?.message).toMatch(/must be an array/);
    expect(creditGrants({}).grants).toEqual([]);
  });
});

describe('InterestBarrier', () => {
  it('waits for every client, and for one that never acknowledges only once', () => {
    vi.useFakeTimers();
    try {
      const live: AckingClient = { ackedVersion: 0, laggingUntil: 0 };
      const silent: AckingClient = { ackedVersion: 0, laggingUntil: 0 };
      const barrier = new InterestBarrier(() => [live, silent], 2000);
      const done: number[] = [];
      barrier.after(1, () => done.push(1));
      live.ackedVersion = 1;
      barrier.release();
      expect(done).toEqual([]);
      vi.advanceTimersByTime(2000);
      expect(done).toEqual([1]);
      expect(barrier.timeouts).toBe(1);
      // From now on the silent client is not waited for, until it catches up.
      barrier.after(2, () => done.push(2));
      expect(done).toEqual([1]);
      live.ackedVersion = 2;
      barrier.release();
      expect(done).toEqual([1, 2]);
      silent.ackedVersion = 2;
      barrier.after(3, () => done.push(3));
      barrier.release();
      expect(done).toEqual([1, 2]); // it counts again
      silent.ackedVersion = 3;
      live.ackedVersion = 3;
      barrier.release();
      expect(done).toEqual([1, 2, 3]);
      expect(barrier.timeouts).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('PublisherGuard', () => {
  const guard = new PublisherGuard({ 'tool.result': ['app'], 'router.>': ['app', 'router'] });
  const e = (topic: string, source: string) => ({ id: 'i', topic, source }) as SentioEvent;
  const check = (topic: string, source: string, publisher: string | null) =>
    guard.check(e(topic, source), guard.rulesFor(topic), publisher)?.name ?? 'ok';

  it('lets only the named clients publish, with their own name as source', () => {
    expect(check('tool.result', 'app', 'app')).toBe('ok');
    expect(check('tool.result', 'rogue', 'rogue')).toBe('PublisherError');
    expect(check('tool.result', 'app', 'rogue')).toBe('PublisherError');
    expect(check('tool.result', 'rogue', 'app')).toBe('PublisherError');
    expect(check('router.decision', 'router', 'router')).toBe('ok');
    expect(check('other.topic', 'anyone', 'anyone')).toBe('ok');
    // Events from peer hubs are judged by their source.
    expect(check('tool.result', 'app', null)).toBe('ok');
    expect(check('tool.result', 'agent', null)).toBe('PublisherError');
  });
});

describe('subscribeProblem', () => {
  const w = (patch: Partial<WireSubscription> = {}) =>
    ({
      id: 's1',
      pattern: 'a.>',
      policy: { kind: 'latest', n: 1 },
      credits: 8,
      lane: false,
      durable: 'notes',
      ...patch,
    }) as WireSubscription;
  const held = (owner: { id: string } | null, pattern = 'a.>') => ({ owner, pattern }) as HubSubscription;

  it('names what is malformed', () => {
    expect(subscribeProblem(w({ pattern: 'a..b' }), () => false, undefined)?.name).toBe('TopicError');
    expect(subscribeProblem(w({ credits: 0 }), () => false, undefined)?.message).toMatch(/credits/);
    expect(subscribeProblem(w(), () => true, undefined)?.message).toMatch(/already used/);
  });

  it('resumes a durable only when no thread holds it and the pattern is the same', () => {
    expect(subscribeProblem(w(), () => false, held(null))).toBeNull();
    expect(subscribeProblem(w(), () => false, held({ id: 'tab-1' }))).toMatchObject({
      name: 'DurableInUseError',
      message: expect.stringContaining('tab-1'),
    });
    expect(subscribeProblem(w(), () => false, held(null, 'b.>'))?.name).toBe('DurableMismatchError');
  });
});
