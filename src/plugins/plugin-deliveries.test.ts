import { expect, test } from 'vitest';
import type { EventId, Privacy, SentioEvent } from '../events/event';
import { PluginDeliveries } from './plugin-deliveries';

function event(id: string, privacy: Privacy = 'public'): SentioEvent {
  const e = {
    id: id as EventId,
    type: 't',
    topic: 'a.b',
    ts: 1,
    source: 's',
    privacy,
    qos: 'realtime' as const,
  };
  return { ...e, payload: null };
}

function deliveries(o: { noLocal?: boolean; maxInFlight?: number; sandbox?: () => boolean } = {}) {
  const batches: string[][] = [];
  const d = new PluginDeliveries({
    noLocal: o.noLocal ?? false,
    maxInFlight: o.maxInFlight ?? 8,
    send: (events) => {
      if (o.sandbox && !o.sandbox()) return false;
      batches.push(events.map((e) => e.id));
      return true;
    },
  });
  return { d, batches };
}

const microtasks = () => new Promise<void>((r) => queueMicrotask(r));

test('events of one tick go in one batch, each once though several subscriptions matched it', async () => {
  const { d, batches } = deliveries();
  d.deliver(event('1'));
  d.deliver(event('2'));
  d.deliver(event('1'));
  await microtasks();
  expect(batches).toEqual([['1', '2']]);
  expect(d.unacknowledged).toBe(2);
});

test('a plugin that can reach the network never gets local events, and they are counted', async () => {
  const { d, batches } = deliveries({ noLocal: true });
  d.deliver(event('1', 'local'));
  d.deliver(event('2', 'private'));
  await microtasks();
  expect(batches).toEqual([['2']]);
  expect(d.withheldLocal).toBe(1);
  expect(d.privacyFloor).toBe('private');
});

test('the backlog is bounded by what is not yet acknowledged; acks free room and count as handled', async () => {
  const { d, batches } = deliveries({ maxInFlight: 2 });
  for (const id of ['1', '2', '3']) d.deliver(event(id));
  await microtasks();
  expect(batches).toEqual([['1', '2']]);
  expect(d.droppedBacklog).toBe(1);
  expect(d.acknowledge(5)).toBe(2); // acknowledging more than was given is reported as fewer
  expect(d.handled).toBe(2);
  d.deliver(event('4'));
  await microtasks();
  expect(batches.at(-1)).toEqual(['4']);
});

test('events wait while there is no sandbox and are gone after a reset', async () => {
  let up = false;
  const { d, batches } = deliveries({ sandbox: () => up });
  d.deliver(event('1'));
  await microtasks();
  expect(batches).toEqual([]);
  expect(d.unacknowledged).toBe(0);
  d.reset();
  up = true;
  d.deliver(event('1')); // the dedup memory went with the sandbox
  await microtasks();
  expect(batches).toEqual([['1']]);
});
