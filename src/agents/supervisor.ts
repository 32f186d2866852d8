// Keeps an agent worker alive: spawns it, learns of its death from the Web Lock it held (released the
// moment its thread goes, whatever killed it) or from an error event, and restarts it with exponential
// backoff. Every start and crash is reported.
import { backoffDelay, type BackoffPolicy } from '../platform/backoff';
import { sleep, systemClock, type Clock } from '../platform/clock';
import { toAgentErrorData } from './errors';
import type { ErrorData } from '../platform/error-data';

export type SupervisorEvent =
  | { type: 'started'; generation: number }
  | { type: 'crashed'; generation: number; reason: string; restartInMs: number }
  | { type: 'stopped' };

export interface SupervisorOptions {
  /** Must pass `lifeLock` as the worker's name: the worker takes that Web Lock as soon as it runs. */
  spawn(lifeLock: string): Worker;
  /** Wires the new worker up. Rejecting counts as a crash. */
  start(worker: Worker, generation: number, lifeLock: string): Promise<void>;
  /** Prefix of the life locks; unique per host. */
  lockPrefix: string;
  backoff?: BackoffPolicy;
  /**
   * A worker killed before it took its life lock gives no sign (a terminated worker's pending calls just
   * hang): if it has not taken the lock after this long, it counts as crashed. Default 10 s.
   */
  startTimeoutMs?: number;
  /** A worker that lived this long resets the backoff. */
  stableAfterMs?: number;
  clock?: Clock;
  onEvent?(e: SupervisorEvent): void;
}

export interface SupervisorStats {
  status: 'starting' | 'running' | 'restarting' | 'stopped';
  generation: number;
  restarts: number;
  lastCrash: { at: number; reason: string } | null;
  lastStartError: ErrorData | null;
}

export function createSupervisor(o: SupervisorOptions) {
  const clock = o.clock ?? systemClock;
  const backoff = o.backoff ?? { baseMs: 100, maxMs: 10_000 };
  const stableAfterMs = o.stableAfterMs ?? 30_000;
  const startTimeoutMs = o.startTimeoutMs ?? 10_000;
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

  /** Resolves once some thread holds `name` (the new worker took its life lock). */
  async function held(name: string, gone: Promise<unknown>): Promise<boolean> {
    let over = false;
    void gone.then(() => (over = true));
    while (!over) {
      const q = await navigator.locks.query();
      if (q.held?.some((l) => l.name === name)) return true;
      await sleep(clock, 10);
    }
    return false;
  }

  /**
   * Resolves with why the worker is gone: its life lock came free (whatever ended the thread: a crash,
   * terminate(), an out-of-memory kill), it reported an error event, or it never got going.
   */
  function death(w: Worker, lifeLock: string, started: Promise<void>): Promise<string> {
    return new Promise((resolve) => {
      w.addEventListener('error', (e: ErrorEvent) =>
        resolve(`error event: ${e.message || 'worker failed to load or threw'}`),
      );
      wakeStop = () => resolve('stopped');
      const startTimer = clock.setTimeout(
        () => resolve(`worker did not start within ${startTimeoutMs} ms`),
        startTimeoutMs,
      );
      started.then(
        () => clock.clearTimeout(startTimer),
        (e: unknown) => {
          clock.clearTimeout(startTimer);
          stats.lastStartError = toAgentErrorData(e);
          resolve(`start failed: ${stats.lastStartError.name}: ${stats.lastStartError.message}`);
        },
      );
      // Only ask for the lock once the worker holds it; asking earlier would win it ourselves.
      const gone = new Promise<void>((g) => (wakeGone = g));
      void held(lifeLock, gone).then((isHeld) => {
        if (!isHeld) return;
        // From here on, death is seen through the lock; a slow start is just slow.
        clock.clearTimeout(startTimer);
        void navigator.locks.request(lifeLock, () => {
          resolve('worker thread ended (its life lock was released)');
        });
      });
    });
  }

  let wakeGone: (() => void) | null = null;

  async function run(): Promise<void> {
    let consecutive = 0;
    while (!stopping) {
      const generation = ++stats.generation;
      const lifeLock = `${o.lockPrefix}.life.${generation}.${Math.random().toString(36).slice(2)}`;
      const w = o.spawn(lifeLock);
      worker = w;
      const bornAt = clock.now();
      const started = o.start(w, generation, lifeLock);
      void started.then(
        () => {
          if (worker !== w) return;
          stats.status = 'running';
          o.onEvent?.({ type: 'started', generation });
        },
        () => {},
      );
      const reason = await death(w, lifeLock, started);
      wakeGone?.();
      w.terminate();
      worker = undefined;
      if (stopping) break;
      consecutive = clock.now() - bornAt >= stableAfterMs ? 1 : consecutive + 1;
      const delay = backoffDelay(consecutive, backoff);
      stats.restarts++;
      stats.status = 'restarting';
      stats.lastCrash = { at: clock.now(), reason };
      o.onEvent?.({ type: 'crashed', generation, reason, restartInMs: delay });
      await sleep(clock, delay);
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
