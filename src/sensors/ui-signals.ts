// App and UI events as `ui.<name>`: the app emits them directly or binds DOM events to them, so agents
// react to a button press the same way they react to a face.
import type { Bus } from '../bus/types';
import { assertTopic } from '../events/topic';
import type { Listenable } from './sensor-handle';

export interface UiSignals {
  emit<P>(name: string, payload: P): void;
  /** Publishes `ui.<name>` with `pick(event)` whenever `target` fires `domEvent`. Returns the unbinder. */
  bind<E extends Event, P>(target: Listenable, domEvent: string, name: string, pick: (e: E) => P): () => void;
  stop(): void;
}

export function createUiSignals(options: { bus: Bus }): UiSignals {
  const unbinders = new Set<() => void>();
  const topicOf = (name: string) => {
    const topic = `ui.${name}`;
    assertTopic(topic); // throws a TopicError naming the bad token
    return topic;
  };
  return {
    emit(name, payload) {
      options.bus.publish(topicOf(name), payload, { qos: 'realtime' });
    },
    bind(target, domEvent, name, pick) {
      const topic = topicOf(name);
      const fn = (e: Event) => options.bus.publish(topic, pick(e as never), { qos: 'realtime' });
      target.addEventListener(domEvent, fn);
      const off = () => {
        target.removeEventListener(domEvent, fn);
        unbinders.delete(off);
      };
      unbinders.add(off);
      return off;
    },
    stop() {
      for (const off of [...unbinders]) off();
    },
  };
}
