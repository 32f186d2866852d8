// The plugin host: the one place plugins enter the runtime. It parses the manifest, checks the signature
// against the user's trusted keys, resolves grants, and runs each plugin in its own sandbox through a
// PluginRunner. It publishes every plugin's state change on `sentio.plugins.status`.
import type { Bus } from '../bus/types';
import { isStricterThan, type Privacy } from '../events/event';
import { systemClock, type Clock } from '../platform/clock';
import { resolveGrants, DEFAULT_SENSITIVE_TOPICS, type GrantRequest, type SensitiveTopics } from './grants';
import { failureRate, type FailureKind, type PluginStats } from './lifecycle';
import { parseManifest, type ActuatorName, type PluginManifest } from './manifest';
import { PluginRunner } from './plugin-runner';
import { DEFAULT_HOST_LIMITS, type Actuator, type HostLimits } from './runner-deps';
import type { PluginStorage } from './plugin-storage';
import type { Sandbox, SandboxSpec } from './sandbox-frame';
import { verifyPlugin, type TrustedKey, type Verification, type VerifyOptions } from './signature';

export const PLUGIN_STATUS_TOPIC = 'sentio.plugins.status';

export interface PluginPackage {
  /** The manifest as read (untrusted JSON). */
  manifest: unknown;
  /** The entry script's exact bytes. */
  entry: Uint8Array;
}

export interface PluginHostOptions {
  bus: Bus;
  /** Keys the user trusts to sign plugins. */
  trust: readonly TrustedKey[];
  verify?: VerifyOptions;
  /** Creates a sandbox; in the browser, `(spec) => createSandbox(container, spec)`. */
  sandbox: (spec: SandboxSpec) => Promise<Sandbox>;
  actuators?: Partial<Record<ActuatorName, Actuator>>;
  /** Host-kept storage for plugins granted `storageBytes`; see plugin-storage.ts. */
  storage?: PluginStorage;
  limits?: Partial<HostLimits>;
  sensitiveTopics?: SensitiveTopics;
  /** Time and timers (restart backoff, health timeouts). Default: the system clock. */
  clock?: Clock;
}

export interface RunningPlugin {
  readonly manifest: PluginManifest;
  readonly verification: Verification;
  stats(): PluginStats;
  stop(): void;
}

export interface PluginHostStats {
  plugins: PluginStats[];
  /** Over all plugins: failures / (handled events + failures). */
  failureRate: number;
}

export interface PluginHost {
  /** Verifies and starts a plugin; resolves once it runs. Throws ManifestError, SignatureError, CapabilityError. */
  start(pkg: PluginPackage, grants?: GrantRequest): Promise<RunningPlugin>;
  get(id: string): RunningPlugin | undefined;
  stop(id: string): void;
  stats(): PluginHostStats;
  close(): void;
}

export function createPluginHost(options: PluginHostOptions): PluginHost {
  const limits: HostLimits = { ...DEFAULT_HOST_LIMITS, ...options.limits };
  const clock = options.clock ?? systemClock;
  const running = new Map<string, { runner: PluginRunner; handle: RunningPlugin }>();

  const onChange = (stats: PluginStats, floor: Privacy) => {
    try {
      // The stats carry plugin-chosen text (lastError, health detail): they keep the strictest label the
      // plugin has seen, so a `local` secret thrown by one plugin never reaches a network-granted one.
      const privacy = isStricterThan(floor, 'private') ? floor : undefined;
      options.bus.publish(PLUGIN_STATUS_TOPIC, stats, { qos: 'background', ...(privacy ? { privacy } : {}) });
    } catch {
      // A closed bus must not break the plugin's isolation path.
    }
  };

  return {
    async start(pkg, grantRequest) {
      const manifest = parseManifest(pkg.manifest);
      const verification = await verifyPlugin(manifest, pkg.entry, options.trust, options.verify);
      const grants = resolveGrants(
        manifest,
        grantRequest,
        options.sensitiveTopics ?? DEFAULT_SENSITIVE_TOPICS,
      );
      if (running.has(manifest.id)) running.get(manifest.id)!.runner.stop();
      const runner = new PluginRunner(manifest, pkg.entry, grants, {
        bus: options.bus,
        sandbox: options.sandbox,
        clock,
        limits,
        actuators: options.actuators ?? {},
        storage: options.storage,
        onChange,
      });
      const handle: RunningPlugin = {
        manifest,
        verification,
        stats: () => runner.stats(),
        stop: () => {
          runner.stop();
          if (running.get(manifest.id)?.runner === runner) running.delete(manifest.id);
        },
      };
      running.set(manifest.id, { runner, handle });
      await runner.start();
      return handle;
    },
    get: (id) => running.get(id)?.handle,
    stop(id) {
      running.get(id)?.handle.stop();
    },
    stats() {
      const plugins = [...running.values()].map((r) => r.runner.stats());
      let handled = 0;
      const failures: Partial<Record<FailureKind, number>> = {};
      for (const p of plugins) {
        handled += p.handled;
        for (const [k, n] of Object.entries(p.failures)) {
          const kind = k as FailureKind;
          failures[kind] = (failures[kind] ?? 0) + (n ?? 0);
        }
      }
      return { plugins, failureRate: failureRate(handled, failures) };
    },
    close() {
      for (const { handle } of [...running.values()]) handle.stop();
    },
  };
}
