// Agents' results reach the UI as bus events. `ctx.emit` publishes with the bus's default label (private),
// but what these agents derive from camera and microphone is `local` data and must stay labelled so: they
// ask for a `publish` action with an explicit label, performed by the host's actuator after commit.
import {
  actionPublishOptions,
  type Actuator,
  type AgentContext,
  type Bus,
  type Privacy,
  isTopic,
  publishedLabel,
} from '../../../index';
import type { DemoEvents, DemoTopic } from './topics';

import { PUBLISH_ACTION } from './names';

export { PUBLISH_ACTION };

export interface PublishRequest {
  topic: string;
  payload: unknown;
  privacy: Privacy;
}

export function publishLabelled<T extends DemoTopic>(
  ctx: Pick<AgentContext<unknown>, 'act'>,
  topic: T,
  payload: DemoEvents[T],
  privacy: Privacy,
): void {
  ctx.act(PUBLISH_ACTION, { topic, payload, privacy } satisfies PublishRequest);
}

const LABELS: readonly Privacy[] = ['local', 'private', 'public'];

/** Checks a publish action's payload; the message names the field that is wrong. */
export function readPublishRequest(x: unknown): PublishRequest {
  const o = x as Partial<PublishRequest> | null;
  if (o === null || typeof o !== 'object') throw new TypeError('publish action: payload must be an object');
  if (!isTopic(o.topic))
    throw new TypeError(`publish action: topic ${JSON.stringify(o.topic)} is not a topic`);
  if (!LABELS.includes(o.privacy as Privacy))
    throw new TypeError(
      `publish action: privacy must be one of ${LABELS.join(', ')} (got ${JSON.stringify(o.privacy)})`,
    );
  return { topic: o.topic, payload: o.payload, privacy: o.privacy as Privacy };
}

/** Performs `publish` actions on `bus`. */
export function publishActuator(bus: Bus): Actuator {
  return (a) => {
    const r = readPublishRequest(a.payload);
    // An agent may label what it publishes more strictly than its cause, never less (lowering is declassify's).
    // The action's own id: published again by the next host after a crash, it is the same event, not a second.
    bus.publish(r.topic, r.payload, {
      ...actionPublishOptions(a),
      privacy: publishedLabel(r.privacy, a.privacy),
    });
  };
}
