// `timer.<name>` events, interval and one-shot. Intervals are scheduled against their start time (tick k
// fires at start + k·period), so they do not drift with the event loop's lateness; each tick carries when it
// was due so a consumer can see how late it was.
import type { Bus } from '../bus/types';
import { assertTopic } from '../events/topic';
import { systemClock, type Clock } from '../platform/clock';
import type { TimerTick } from './events';

export interface Timers {
  /** Fires `timer.<name>` every `periodMs` until cancelled. Replaces a timer of the same name. */
  interval(name: string, periodMs: number): void;
  /** Fires `timer.<name>` once after `delayMs`. Replaces a timer of the same name. */
  once(name: string, delayMs: number): void;
  cancel(name: string): boolean;
  names(): string[];
  stop(): void;
}

export class TimerError extends Error {
  override name = 'TimerError';
}

export function createTimers(options: { bus: Bus; clock?: Clock }): Timers {
  const { bus } = options;
  const s = options.clock ?? systemClock;
  const active = new Map<string, unknown>();

  const check = (name: string, ms: number, what: string) => {
    try {
      assertTopic(`timer.${name}`);
    } catch (e) {
      throw new TimerError(`timer name "${name}" is not a valid topic suffix: ${(e as Error).message}`);
    }
    if (!Number.isFinite(ms) || ms < (what === 'period' ? 1 : 0)) {
      throw new TimerError(
        `timer "${name}": ${what} must be a finite number of ms${what === 'period' ? ' ≥ 1' : ' ≥ 0'} (got ${ms})`,
      );
    }
  };
  const fire = (name: string, tick: TimerTick) => bus.publish(`timer.${name}`, tick, { qos: 'realtime' });

  const timers: Timers = {
    interval(name, periodMs) {
      check(name, periodMs, 'period');
      timers.cancel(name);
      const start = s.now();
      let count = 0;
      const next = () => {
        count++;
        const due = start + count * periodMs;
        active.set(
          name,
          s.setTimeout(
            () => {
              fire(name, { name, count, kind: 'interval', scheduledTs: due });
              // A tab that slept skips the ticks it missed rather than firing them in a burst.
              const behind = Math.floor((s.now() - due) / periodMs);
              if (behind > 0) count += behind;
              next();
            },
            Math.max(0, due - s.now()),
          ),
        );
      };
      next();
    },
    once(name, delayMs) {
      check(name, delayMs, 'delay');
      timers.cancel(name);
      const due = s.now() + delayMs;
      active.set(
        name,
        s.setTimeout(() => {
          active.delete(name);
          fire(name, { name, count: 1, kind: 'once', scheduledTs: due });
        }, delayMs),
      );
    },
    cancel(name) {
      if (!active.has(name)) return false;
      s.clearTimeout(active.get(name));
      active.delete(name);
      return true;
    },
    names: () => [...active.keys()],
    stop() {
      for (const name of [...active.keys()]) timers.cancel(name);
    },
  };
  return timers;
}
