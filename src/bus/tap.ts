// A view of a bus that also tells `tap` about every event published through it, once the bus has formed the
// event: a component learns what *its own* parts said the moment they said it, which a subscription cannot
// tell apart from the same topics published by another tab or thread. Everything still goes on the bus.
import type {
  BatchHandler,
  Bus,
  Handler,
  PublishOptions,
  SubscribeBatchOptions,
  SubscribeOptions,
} from './types';
import type { SentioEvent } from '../events/event';

/** `close()` on the view closes nothing: the bus underneath outlives whoever taps it. */
export function tapPublishes<M extends Record<string, unknown>>(
  bus: Bus,
  tap: (e: SentioEvent) => void,
): Bus<M> {
  const tapped: Bus = {
    name: bus.name,
    publish(topic: string, payload: unknown, options?: PublishOptions) {
      const e = bus.publish(topic, payload, options);
      tap(e);
      return e;
    },
    publishEvent: (e) => bus.publishEvent(e),
    subscribe: (pattern: string, handler: Handler, options?: SubscribeOptions) =>
      bus.subscribe(pattern, handler, options),
    subscribeBatch: (pattern: string, handler: BatchHandler, options?: SubscribeBatchOptions) =>
      bus.subscribeBatch(pattern, handler, options),
    request: (topic, payload, options) => bus.request(topic, payload, options),
    reply: (request, payload, options) => bus.reply(request, payload, options),
    stats: () => bus.stats(),
    flush: () => bus.flush(),
    close: () => {},
  };
  return tapped as Bus<M>;
}
