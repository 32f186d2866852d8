// What a plugin runner is given: the bus, a way to make sandboxes, time, the limits it enforces, the
// actuators and storage a plugin may be granted, and where its state changes go.
import type { Bus } from '../bus/types';
import type { Privacy } from '../events/event';
import type { Clock } from '../platform/clock';
import type { PluginStats } from './lifecycle';
import type { ActuatorName } from './manifest';
import type { PluginStorage } from './plugin-storage';
import type { Sandbox, SandboxSpec } from './sandbox-frame';

export interface HostLimits {
  /** Events handed to a plugin and not yet acknowledged; beyond it further events are dropped and counted. */
  maxInFlight: number;
  healthIntervalMs: number;
  /** A ping unanswered this long means the plugin is stuck. */
  healthTimeoutMs: number;
  /** From boot to `ready`. */
  startTimeoutMs: number;
  /** Handler/runtime errors within `errorWindowMs` that make the host isolate the plugin. */
  maxErrorsInWindow: number;
  errorWindowMs: number;
  /** Rate-limit refusals within `errorWindowMs` that count as a flood. */
  floodRefusalsInWindow: number;
  /**
   * A message from the plugin larger than this (as the host had to copy it) is refused. Each copy is paid on
   * the host's main thread, so `oversizeInWindow` of them within `errorWindowMs` isolate the plugin.
   */
  maxMessageBytes: number;
  oversizeInWindow: number;
  /** Distinct topic patterns one plugin may subscribe to; a repeated pattern is not a new subscription. */
  maxSubscriptions: number;
  /** Restarts in a row (without `healthyAfterMs` of calm between) before the plugin is disabled. */
  maxRestarts: number;
  backoffMs: number;
  maxBackoffMs: number;
  healthyAfterMs: number;
}

export const DEFAULT_HOST_LIMITS: Readonly<HostLimits> = Object.freeze({
  maxInFlight: 512,
  healthIntervalMs: 1000,
  healthTimeoutMs: 3000,
  startTimeoutMs: 10_000,
  maxErrorsInWindow: 5,
  errorWindowMs: 10_000,
  floodRefusalsInWindow: 500,
  maxMessageBytes: 1 << 20,
  oversizeInWindow: 3,
  maxSubscriptions: 32,
  maxRestarts: 3,
  backoffMs: 250,
  maxBackoffMs: 10_000,
  healthyAfterMs: 30_000,
});

export type Actuator = (args: unknown, plugin: { id: string; version: string }) => void | Promise<void>;

export interface RunnerDeps {
  bus: Bus;
  sandbox: (spec: SandboxSpec) => Promise<Sandbox>;
  clock: Clock;
  limits: HostLimits;
  actuators: Partial<Record<ActuatorName, Actuator>>;
  /** Where granted plugins keep data; without it every storage request is refused. */
  storage: PluginStorage | undefined;
  /**
   * A state change. `privacy` is the plugin's privacy floor: the stats carry text the plugin chose (its
   * errors, its health detail), which may be derived from anything it was given.
   */
  onChange: (stats: PluginStats, privacy: Privacy) => void;
}
