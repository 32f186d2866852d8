import { describe, expect, it } from 'vitest';
import type { AgentAction } from '../../../index';
import { createLocalBus } from '../../../bus/local-bus';
import { createIdGenerator } from '../../../events/id';
import { publishActuator, PUBLISH_ACTION } from './labelled-publish';

function noteAction(publishId?: string): AgentAction {
  return {
    key: 'meeting-notes:e1:0',
    agentId: 'meeting-notes',
    eventId: 'e1',
    kind: PUBLISH_ACTION,
    payload: { topic: 'demo.notes.note', payload: { id: 'e1' }, privacy: 'local' },
    privacy: 'local',
    ...(publishId ? { publishId } : {}),
  };
}

describe('publish actuator', () => {
  it('publishes an action performed again after a crash as the same event, with its key and label', async () => {
    // Chaos seed 42 (issue 17): a host that published a note and closed before marking it performed had its
    // successor publish it again under a fresh id — one transcript, two notes.
    const bus = createLocalBus({ name: 'agents' });
    const seen: { id: string; meta: unknown; privacy: string }[] = [];
    bus.subscribe('demo.notes.note', (e) => void seen.push({ id: e.id, meta: e.meta, privacy: e.privacy }));
    const perform = publishActuator(bus);
    const publishId = createIdGenerator().next();
    await perform(noteAction(publishId));
    await perform(noteAction(publishId)); // the re-dispatch of the pending outbox row
    expect(seen).toEqual([
      {
        id: publishId,
        meta: { idempotencyKey: 'meeting-notes:e1:0', agent: 'meeting-notes' },
        privacy: 'local',
      },
      {
        id: publishId,
        meta: { idempotencyKey: 'meeting-notes:e1:0', agent: 'meeting-notes' },
        privacy: 'local',
      },
    ]);
  });

  it('gives a fresh id to an outbox row from before ids were stored', async () => {
    const bus = createLocalBus({ name: 'agents' });
    const ids: string[] = [];
    bus.subscribe('demo.notes.note', (e) => void ids.push(e.id));
    await publishActuator(bus)(noteAction());
    expect(ids).toHaveLength(1);
  });
});
