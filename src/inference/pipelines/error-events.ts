// A pipeline's failures as `inference.error` events. A failure that repeats on every input (the worker that
// ran the model died, a model that cannot load) would put one event per camera frame on the bus, 10–15 a
// second, burying everything else for every subscriber and in the app's inspector. So the first of a run of
// the same failure of a task (same error name and message) is published and its repeats are only counted (the
// pipeline's stats.failed), until that task succeeds again or fails differently.
import type { Bus } from '../../bus/types';
import type { Privacy } from '../../events/event';
import type { Task } from '../manifest';
import type { PerceptionEvents } from './events';

export interface ErrorEvents {
  failed(task: Task, error: Error, privacy: Privacy): void;
  succeeded(task: Task): void;
}

export function createErrorEvents(bus: Bus<PerceptionEvents>, pipeline: string): ErrorEvents {
  const last = new Map<Task, string>();
  return {
    failed(task, error, privacy) {
      const key = `${error.name}\n${error.message}`;
      if (last.get(task) === key) return;
      last.set(task, key);
      bus.publish(
        'inference.error',
        { pipeline, task, name: error.name, message: error.message },
        { privacy },
      );
    },
    succeeded(task) {
      last.delete(task);
    },
  };
}
