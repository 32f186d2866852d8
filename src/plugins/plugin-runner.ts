// One plugin's life on the host side: boots its sandbox, bridges its granted topics to the bus, checks every
// message it sends (shape, valid event, own source, granted topic, rate), watches its health, and isolates it
// when it throws, hangs or floods: the sandbox is destroyed and restarted with backoff, or disabled.
import type { Subscription } from '../bus/types';
import { isStricterThan } from '../events/event';
import { PluginDeliveries } from './plugin-deliveries';
import { backoffDelay } from '../platform/backoff';
import { WindowCounter } from '../platform/window-counter';
import { assertPattern } from '../events/topic';
import { measurePayload } from '../events/payload-measure';
import { DEFAULT_LIMITS, validateEvent } from '../events/validate';
import { PluginFault, pluginFaultFrom } from './errors';
import {
  emptyRefusals,
  failureRate,
  type FailureKind,
  type PluginState,
  type PluginStats,
  type Refusals,
} from './lifecycle';
import { pluginSource, type PluginManifest } from './manifest';
import { grantedTopics, patternCovers } from './patterns';
import {
  parsePluginMessage,
  type GrantedCapabilities,
  type HostToPlugin,
  type PluginToHost,
  type RefusalKind,
} from './protocol';
import { act, store, type RequestContext } from './plugin-requests';
import { createTokenBucket, type TokenBucket } from './rate-limit';
import type { RunnerDeps } from './runner-deps';
import type { Sandbox } from './sandbox-frame';
import { coerceErrorData } from '../platform/error-data';

export class PluginRunner {
  private state: PluginState = { status: 'stopped' };
  private sandbox: Sandbox | undefined;
  private subs = new Map<string, Subscription>();
  private readonly deliveries: PluginDeliveries;
  private published = 0;
  private restarts = 0;
  private consecutiveRestarts = 0;
  private readonly refused: Refusals = emptyRefusals();
  private readonly failures: Partial<Record<FailureKind, number>> = {};
  private readonly errors: WindowCounter;
  private readonly floods: WindowCounter;
  private readonly oversizes: WindowCounter;
  private lastError: string | undefined;
  private timers: unknown[] = [];
  private pingSeq = 0;
  private awaitingPing: { seq: number; at: number } | undefined;
  private generation = 0;
  private bucket: TokenBucket;
  private firstStart: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly source: string;
  private readonly mayPublish: (topic: string) => boolean;

  constructor(
    readonly manifest: PluginManifest,
    private readonly entry: Uint8Array,
    readonly grants: GrantedCapabilities,
    private readonly deps: RunnerDeps,
  ) {
    this.source = pluginSource(manifest.id);
    this.mayPublish = grantedTopics(grants.publish);
    this.deliveries = new PluginDeliveries({
      // Raw sensor data is labelled local and never leaves the device: a plugin that can reach the network
      // never sees it.
      noLocal: grants.network.length > 0,
      maxInFlight: deps.limits.maxInFlight,
      send: (events) => {
        if (!this.sandbox) return false;
        this.post({ type: 'events', events });
        return true;
      },
    });
    const rate = manifest.capabilities.messagesPerSecond;
    this.bucket = createTokenBucket(rate, Math.max(rate, 16), deps.clock);
    const window = deps.limits.errorWindowMs;
    this.errors = new WindowCounter(window, deps.clock.now);
    this.floods = new WindowCounter(window, deps.clock.now);
    this.oversizes = new WindowCounter(window, deps.clock.now);
  }

  /** Resolves once the plugin is running; rejects if it ends up disabled or stopped before that. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstStart = { resolve, reject };
      void this.boot(1);
    });
  }

  stop(): void {
    this.teardown();
    this.setState({ status: 'stopped' });
    this.firstStart?.reject(new Error(`plugin ${this.manifest.id} was stopped before it ran`));
    this.firstStart = undefined;
  }

  stats(): PluginStats {
    return {
      id: this.manifest.id,
      version: this.manifest.version,
      state: this.state,
      handled: this.deliveries.handled,
      published: this.published,
      droppedBacklog: this.deliveries.droppedBacklog,
      withheldLocal: this.deliveries.withheldLocal,
      refused: { ...this.refused },
      failures: { ...this.failures },
      restarts: this.restarts,
      failureRate: failureRate(this.deliveries.handled, this.failures),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private setState(s: PluginState): void {
    this.state = s;
    this.deps.onChange(this.stats(), this.deliveries.privacyFloor);
  }

  private later(fn: () => void, ms: number): void {
    const gen = this.generation;
    this.timers.push(
      this.deps.clock.setTimeout(() => {
        if (gen === this.generation) fn();
      }, ms),
    );
  }

  private async boot(attempt: number): Promise<void> {
    const gen = ++this.generation;
    this.setState({ status: 'starting', attempt });
    // Counted from before the sandbox exists: an iframe that never loads is as stuck as an init that never ends.
    this.later(() => {
      if (this.state.status === 'starting')
        this.fail('init', `not ready within ${this.deps.limits.startTimeoutMs} ms`);
    }, this.deps.limits.startTimeoutMs);
    let sandbox: Sandbox;
    try {
      sandbox = await this.deps.sandbox({
        name: `${this.manifest.id}@${this.manifest.version}`,
        entry: this.entry,
        network: this.grants.network,
      });
    } catch (e) {
      if (gen === this.generation) this.fail('fault', `cannot create the sandbox: ${(e as Error).message}`);
      return;
    }
    if (gen !== this.generation) {
      sandbox.destroy();
      return;
    }
    this.sandbox = sandbox;
    sandbox.port.onmessage = (e: MessageEvent) => {
      if (gen === this.generation) this.receive(e.data);
    };
    sandbox.port.onmessageerror = () => {
      if (gen === this.generation) this.refuse('message', 'a message could not be deserialized');
    };
  }

  private post(m: HostToPlugin): void {
    this.sandbox?.port.postMessage(m);
  }

  private requestContext(): RequestContext {
    const gen = this.generation;
    return {
      manifest: this.manifest,
      grants: this.grants,
      deps: this.deps,
      // A reply to a request the sandbox made before it was torn down goes nowhere.
      current: () => gen === this.generation,
      post: (m) => this.post(m),
      refuse: (what, reason, requestId) => this.refuse(what, reason, requestId),
    };
  }

  private refuse(what: RefusalKind, reason: string, requestId?: number): void {
    this.refused[what]++;
    this.lastError = `refused (${what}): ${reason}`;
    this.post({ type: 'refused', what, reason, ...(requestId === undefined ? {} : { requestId }) });
    if (what === 'rate' || what === 'message') {
      const n = this.floods.hit();
      if (n >= this.deps.limits.floodRefusalsInWindow)
        this.fail('flood', `${n} refused messages within ${this.deps.limits.errorWindowMs} ms`);
    }
  }

  private refuseOversize(limit: number): void {
    this.refuse('size', `a message over ${limit} bytes (or nested too deep)`);
    const n = this.oversizes.hit();
    if (n >= this.deps.limits.oversizeInWindow)
      this.fail('flood', `${n} messages over ${limit} bytes within ${this.deps.limits.errorWindowMs} ms`);
  }

  private receive(data: unknown): void {
    const { maxMessageBytes } = this.deps.limits;
    // The bus's own measure of what a structured clone copied; it stops counting once past the limit, so a
    // hostile message costs at most that much to judge.
    const size = measurePayload(data, {
      ...DEFAULT_LIMITS,
      maxPayloadBytes: maxMessageBytes,
      maxMediaBytes: maxMessageBytes,
      maxDepth: 64,
    });
    if ('reason' in size || size.bytes + size.mediaBytes > maxMessageBytes)
      return this.refuseOversize(maxMessageBytes);
    const parsed = parsePluginMessage(data);
    if (!parsed.ok) return this.refuse('message', parsed.reason);
    const m = parsed.message;
    if (m.type !== 'done' && m.type !== 'pong') {
      const cost = m.type === 'publish' ? Math.max(1, m.events.length) : 1;
      if (!this.bucket.take(cost)) {
        return this.refuse(
          'rate',
          `over ${this.manifest.capabilities.messagesPerSecond} messages/s`,
          'requestId' in m ? m.requestId : undefined,
        );
      }
    }
    this.handle(m);
  }

  private handle(m: PluginToHost): void {
    switch (m.type) {
      case 'loaded':
        this.post({
          type: 'init',
          id: this.manifest.id,
          version: this.manifest.version,
          kind: this.manifest.kind,
          source: this.source,
          grants: this.grants,
        });
        return;
      case 'ready':
        if (this.state.status !== 'starting') return this.refuse('message', 'ready sent twice');
        this.setState({ status: 'running', since: this.deps.clock.now() });
        this.firstStart?.resolve();
        this.firstStart = undefined;
        this.scheduleHealth();
        return;
      case 'publish':
        for (const e of m.events) this.acceptEvent(e);
        return;
      case 'subscribe':
        return this.subscribe(m.requestId, m.pattern);
      case 'act':
        return void act(this.requestContext(), m.requestId, m.actuator, m.args);
      case 'storage':
        return void store(this.requestContext(), m.requestId, m.op, m.key, m.value);
      case 'done': {
        const inFlight = this.deliveries.unacknowledged;
        if (this.deliveries.acknowledge(m.count) < m.count)
          this.refuse('message', `acknowledged ${m.count} events but only ${inFlight} were in flight`);
        return;
      }
      case 'pong':
        if (this.awaitingPing?.seq !== m.seq) return this.refuse('message', `pong ${m.seq} answers no ping`);
        this.awaitingPing = undefined;
        if (m.health && m.health.ok === false)
          this.countError('unhealthy', `health check: ${String(m.health.detail ?? 'not ok').slice(0, 200)}`);
        return;
      case 'error': {
        const err = pluginFaultFrom(coerceErrorData(m.error));
        if (m.phase === 'init') return this.fail('init', `init failed: ${err.remoteName}: ${err.message}`);
        return this.countError(
          m.phase === 'event' ? 'handler' : 'runtime',
          `${err.remoteName}: ${err.message}`,
        );
      }
      case 'fault': {
        const err = pluginFaultFrom(coerceErrorData(m.error));
        return this.fail('fault', `${err.remoteName}: ${err.message}`);
      }
    }
  }

  private acceptEvent(x: unknown): void {
    const v = validateEvent(x);
    if (!v.ok) return this.refuse('invalid', v.error.message);
    const event = v.event;
    if (event.source !== this.source)
      return this.refuse('source', `event source must be "${this.source}", not "${event.source}"`);
    const floor = this.deliveries.privacyFloor;
    if (isStricterThan(floor, event.privacy)) {
      return this.refuse(
        'privacy',
        `"${event.topic}" is labelled ${event.privacy}, but this plugin has received ${floor} events: what it derives keeps that label`,
      );
    }
    if (!this.mayPublish(event.topic))
      return this.refuse('publish', `"${event.topic}" is not a granted publish topic`);
    try {
      this.deps.bus.publishEvent(event);
      this.published++;
    } catch (e) {
      this.refuse('invalid', (e as Error).message);
    }
  }

  private subscribe(requestId: number, pattern: string): void {
    try {
      assertPattern(pattern);
    } catch (e) {
      return this.refuse('subscribe', (e as Error).message, requestId);
    }
    if (!this.grants.subscribe.some((g) => patternCovers(g, pattern))) {
      return this.refuse('subscribe', `"${pattern}" is not within the granted topics`, requestId);
    }
    if (!this.subs.has(pattern)) {
      const max = this.deps.limits.maxSubscriptions;
      if (this.subs.size >= max)
        return this.refuse('subscribe', `at most ${max} subscriptions per plugin`, requestId);
      this.subs.set(
        pattern,
        this.deps.bus.subscribe(pattern, (event) => this.deliveries.deliver(event), { qos: 'realtime' }),
      );
    }
    this.post({ type: 'subscribed', requestId, pattern });
  }

  private scheduleHealth(): void {
    const { healthIntervalMs, healthTimeoutMs, healthyAfterMs } = this.deps.limits;
    this.later(
      () => {
        const now = this.deps.clock.now();
        if (this.awaitingPing && now - this.awaitingPing.at >= healthTimeoutMs) {
          return this.fail('unresponsive', `no answer to a health check within ${healthTimeoutMs} ms`);
        }
        if (this.state.status === 'running' && now - this.state.since >= healthyAfterMs)
          this.consecutiveRestarts = 0;
        if (!this.awaitingPing) {
          this.awaitingPing = { seq: ++this.pingSeq, at: now };
          this.post({ type: 'ping', seq: this.pingSeq });
        }
        this.scheduleHealth();
      },
      Math.min(healthIntervalMs, healthTimeoutMs / 2),
    );
  }

  private countError(kind: FailureKind, message: string): void {
    this.failures[kind] = (this.failures[kind] ?? 0) + 1;
    this.lastError = message;
    const n = this.errors.hit();
    if (n >= this.deps.limits.maxErrorsInWindow) {
      this.isolate(kind, `${n} errors within ${this.deps.limits.errorWindowMs} ms; last: ${message}`);
    } else {
      this.deps.onChange(this.stats(), this.deliveries.privacyFloor);
    }
  }

  /** A failure that by itself ends this sandbox. */
  private fail(kind: FailureKind, message: string): void {
    this.failures[kind] = (this.failures[kind] ?? 0) + 1;
    this.lastError = message;
    this.isolate(kind, message);
  }

  private isolate(kind: FailureKind, message: string): void {
    this.teardown();
    // A plugin whose entry does not load will not load on a retry either.
    if (kind === 'fault' || this.consecutiveRestarts >= this.deps.limits.maxRestarts) {
      const reason =
        kind === 'fault'
          ? message
          : `${this.consecutiveRestarts + 1} failures in a row; last (${kind}): ${message}`;
      this.setState({ status: 'disabled', reason, after: kind });
      this.firstStart?.reject(new PluginFault(`plugin ${this.manifest.id} disabled: ${reason}`, kind));
      this.firstStart = undefined;
      return;
    }
    this.consecutiveRestarts++;
    this.restarts++;
    const { backoffMs, maxBackoffMs } = this.deps.limits;
    const delay = backoffDelay(this.consecutiveRestarts, { baseMs: backoffMs, maxMs: maxBackoffMs });
    const attempt = this.consecutiveRestarts + 1;
    this.setState({ status: 'restarting', attempt, at: this.deps.clock.now() + delay, after: kind });
    this.later(() => void this.boot(attempt), delay);
  }

  private teardown(): void {
    this.generation++;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers = [];
    for (const s of this.subs.values()) s.unsubscribe();
    this.subs.clear();
    this.deliveries.reset();
    this.sandbox?.destroy();
    this.sandbox = undefined;
    this.awaitingPing = undefined;
    this.errors.reset();
    this.floods.reset();
    this.oversizes.reset();
  }
}
