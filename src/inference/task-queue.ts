// One queue per model: requests run one at a time in arrival order, except that a realtime request
// replaces any realtime request still waiting (latest wins), so a busy model never builds a backlog of
// stale camera frames. Waiting requests can be cancelled; a running one finishes but its result is dropped.
import { InferenceCancelledError } from './errors';

interface Job<T> {
  id: number;
  realtime: boolean;
  run: () => Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  cancelled: boolean;
}

export interface QueueStats {
  queued: number;
  running: boolean;
  completed: number;
  superseded: number;
  cancelled: number;
  failed: number;
}

export interface TaskQueue {
  push<T>(id: number, realtime: boolean, run: () => Promise<T>): Promise<T>;
  /** True when the request was known (waiting or running). */
  cancel(id: number): boolean;
  stats(): QueueStats;
}

export function createTaskQueue(task: string): TaskQueue {
  const waiting: Job<unknown>[] = [];
  let running: Job<unknown> | null = null;
  const s = { completed: 0, superseded: 0, cancelled: 0, failed: 0 };

  const pump = () => {
    if (running) return;
    const job = waiting.shift();
    if (!job) return;
    running = job;
    job
      .run()
      .then(
        (v) => {
          if (job.cancelled) return job.reject(new InferenceCancelledError(task, 'cancelled'));
          s.completed++;
          job.resolve(v);
        },
        (e) => {
          s.failed++;
          job.reject(e);
        },
      )
      .finally(() => {
        running = null;
        pump();
      });
  };

  return {
    push<T>(id: number, realtime: boolean, run: () => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        if (realtime) {
          for (let i = waiting.length - 1; i >= 0; i--) {
            const old = waiting[i]!;
            if (!old.realtime) continue;
            waiting.splice(i, 1);
            s.superseded++;
            old.reject(new InferenceCancelledError(task, 'superseded'));
          }
        }
        waiting.push({ id, realtime, run, resolve, reject, cancelled: false } as Job<unknown>);
        pump();
      });
    },
    cancel(id) {
      const i = waiting.findIndex((j) => j.id === id);
      if (i >= 0) {
        const [job] = waiting.splice(i, 1);
        s.cancelled++;
        job!.reject(new InferenceCancelledError(task, 'cancelled'));
        return true;
      }
      if (running?.id === id && !running.cancelled) {
        running.cancelled = true;
        s.cancelled++;
        return true;
      }
      return false;
    },
    stats: () => ({ queued: waiting.length, running: running !== null, ...s }),
  };
}
