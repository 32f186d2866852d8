// The states a plugin goes through, and what counts against it.
import type { RefusalKind } from './protocol';

export type FailureKind =
  /** The entry failed to load or did not define a plugin. */
  | 'fault'
  /** init() threw or did not finish in time. */
  | 'init'
  /** An event handler threw (or its promise rejected). */
  | 'handler'
  /** An error escaped the plugin's code (uncaught exception, unhandled rejection). */
  | 'runtime'
  /** It did not answer a health check in time: a loop, a deadlock, or a crashed worker. */
  | 'unresponsive'
  /** It kept sending faster than its rate limit, or messages over the size limit. */
  | 'flood'
  /** Its health() reported not ok. */
  | 'unhealthy';

export type PluginState =
  | { status: 'starting'; attempt: number }
  | { status: 'running'; since: number }
  | { status: 'restarting'; attempt: number; at: number; after: FailureKind }
  | { status: 'disabled'; reason: string; after: FailureKind }
  | { status: 'stopped' };

export type Refusals = Record<RefusalKind, number>;

export interface PluginStats {
  id: string;
  version: string;
  state: PluginState;
  /** Events handed to the plugin and acknowledged as handled. */
  handled: number;
  /** Events accepted from the plugin and published on the bus. */
  published: number;
  /** Events not delivered because the plugin's in-flight window was full (it is slow or stuck). */
  droppedBacklog: number;
  /** Local-labelled events withheld from a plugin that has network access. */
  withheldLocal: number;
  refused: Refusals;
  failures: Partial<Record<FailureKind, number>>;
  restarts: number;
  /** failures / (handled + failures): the plugin failure rate metric. */
  failureRate: number;
  lastError?: string;
}

export function emptyRefusals(): Refusals {
  return {
    subscribe: 0,
    publish: 0,
    invalid: 0,
    source: 0,
    privacy: 0,
    rate: 0,
    actuator: 0,
    storage: 0,
    message: 0,
    size: 0,
  };
}

export function failureRate(handled: number, failures: Partial<Record<FailureKind, number>>): number {
  let f = 0;
  for (const n of Object.values(failures)) f += n ?? 0;
  return f === 0 ? 0 : f / (handled + f);
}
