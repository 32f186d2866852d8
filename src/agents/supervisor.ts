// Keeps an agent worker alive: spawns it, learns of its death from the Web Lock it held (released the
// moment its thread goes, whatever killed it) or from an error event, and restarts it with exponential
// backoff. Every start and crash is reported.
import { backoffDelay, sleep, systemTimers, type BackoffPolicy, type Timers } from './backoff';
import { serializeError } from './errors';
import type { SerializedError } from './types';

export type SupervisorEvent =
  | { type: 'started'; generation: number }
  | { type: 'crashed'; generation: number; reason: string; restartInMs: number }
  | { type: 'stopped' };

export interface SupervisorOptions {
  spawn(): Worker;
  /** Wires the new worker up; must make it take `lifeLock` before resolving. Rejecting counts as a crash. */
  start(worker: Worker, generation: number, lifeLock: string): Promise<void>;
  /** Prefix of the life locks; unique per host. */
  lockPrefix: string;
  backoff?: BackoffPolicy;
  /** A worker that lived this long resets the backoff. */
  stableAfterMs?: number;
  timers?: Timers;
  onEvent?(e: SupervisorEvent): void;
}

export interface SupervisorStats {
  status: 'starting' | 'running' | 'restarting' | 'stopped';
  generation: number;
  restarts: number;
  lastCrash: { at: number; reason: string } | null;
  lastStartError: SerializedError | null;
}

export function createSupervisor(o: SupervisorOptions) {
  const timers = o.timers ?? systemTimers;
  const backoff = o.backoff ?? { baseMs: 100, maxMs: 10_000 };
  const stableAfterMs = o.stableAfterMs ?? 30_000;
  const stats: SupervisorStats = {
    status: 'starting',
    generation: 0,
    restarts: 0,
    lastCrash: null,
    lastStartError: null,
  };
  let worker: Worker | undefined;
  let stopping = false;
  let wakeStop: (() => void) | null = null;
  let loop: Promise<void> | null = null;

  /** Resolves with why the worker is gone: its life lock came free, or it reported an error. */
  function death(w: Worker, lifeLock: string): Promise<string> {
    return new Promise((resolve) => {
      const onError = (e: ErrorEvent) =>
        resolve(`error event: ${e.message || 'worker failed to load or threw'}`);
      w.addEventListener('error', onError);
      void navigator.locks.request(lifeLock, () => {
        resolve('worker thread ended (its life lock was released)');
      });
      wakeStop = () => resolve('stopped');
    });
  }

  async function run(): Promise<void> {
    let consecutive = 0;
    while (!stopping) {
      const generation = ++stats.generation;
      const lifeLock = `${o.lockPrefix}.life.${generation}`;
      const w = o.spawn();
      worker = w;
      const bornAt = timers.now();
      let reason: string;
      try {
        await o.start(w, generation, lifeLock);
        stats.status = 'running';
        o.onEvent?.({ type: 'started', generation });
        reason = await death(w, lifeLock);
      } catch (e) {
        stats.lastStartError = serializeError(e);
        reason = `start failed: ${stats.lastStartError.name}: ${stats.lastStartError.message}`;
      }
      w.terminate();
      worker = undefined;
      if (stopping) break;
      consecutive = timers.now() - bornAt >= stableAfterMs ? 1 : consecutive + 1;
      const delay = backoffDelay(backoff, consecutive);
      stats.restarts++;
      stats.status = 'restarting';
      stats.lastCrash = { at: timers.now(), reason };
      o.onEvent?.({ type: 'crashed', generation, reason, restartInMs: delay });
      await sleep(timers, delay);
    }
    stats.status = 'stopped';
    o.onEvent?.({ type: 'stopped' });
  }

  return {
    /** Starts the loop; resolves once the first worker is up (or has crashed trying). */
    start(): Promise<void> {
      if (loop) throw new Error('supervisor already started');
      return new Promise<void>((resolve) => {
        const prev = o.onEvent;
        o.onEvent = (e) => {
          if (e.type !== 'stopped') resolve();
          prev?.(e);
        };
        loop = run();
      });
    },
    async stop(): Promise<void> {
      stopping = true;
      wakeStop?.();
      worker?.terminate();
      await loop;
    },
    /** The live worker, for dev tools and crash tests that kill it on purpose. */
    current: (): Worker | undefined => worker,
    stats: (): SupervisorStats => ({ ...stats }),
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
