// A task's failures, told once per run of the same failure. A failure that repeats on every input (the worker
// that ran the model died, a model that cannot load) would otherwise put one event per camera frame on the
// bus, 10–15 a second, burying everything else for every subscriber and in the app's inspector, and flip the
// task's state on the page as often. What is told: the first of a run of the same failure of a task (same
// error name and message); its repeats are only counted (the pipeline's stats.failed), until that task
// succeeds again or fails differently.
import type { Bus } from '../../bus/types';
import type { Privacy } from '../../events/event';
import type { Task } from '../manifest';
import type { PerceptionEvents } from './events';

export interface FailureMemory {
  /** True when this failure is not the one `task` last failed with (and remembers it). */
  isNew(task: Task, error: Error): boolean;
  /** Whether `task` has failed since it last succeeded. */
  failing(task: Task): boolean;
  succeeded(task: Task): void;
}

export function createFailureMemory(): FailureMemory {
  const last = new Map<Task, string>();
  return {
    isNew(task, error) {
      const key = `${error.name}\n${error.message}`;
      if (last.get(task) === key) return false;
      last.set(task, key);
      return true;
    },
    failing: (task) => last.has(task),
    succeeded(task) {
      last.delete(task);
    },
  };
}

export interface ErrorEvents {
  failed(task: Task, error: Error, privacy: Privacy): void;
  succeeded(task: Task): void;
}

/** A pipeline's failures as `inference.error` events, told as above. */
export function createErrorEvents(bus: Bus<PerceptionEvents>, pipeline: string): ErrorEvents {
  const failures = createFailureMemory();
  return {
    failed(task, error, privacy) {
      if (!failures.isNew(task, error)) return;
      bus.publish(
        'inference.error',
        { pipeline, task, name: error.name, message: error.message },
        { privacy },
      );
    },
    succeeded: (task) => failures.succeeded(task),
  };
}
