// How a committed action reaches the bus, for the host's own emits and for any actuator that publishes: with
// its idempotency key and the id it was given at commit. A host that dies after
// publishing and before marking the action performed has its successor publish it again; with the same id
// that is the same event (subscribers see one note), with a fresh one it would be the effect applied twice.
import type { PublishOptions } from '../bus/types';
import type { AgentAction } from './types';

export function actionPublishOptions(a: AgentAction): Pick<PublishOptions, 'id' | 'meta'> {
  return {
    meta: { idempotencyKey: a.key, agent: a.agentId },
    ...(a.publishId ? { id: a.publishId } : {}),
  };
}
