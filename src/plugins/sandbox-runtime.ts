// The plugin runtime that runs INSIDE the sandbox's worker. It is shipped to the sandbox as source text
// (`sandboxRuntimeSource()`), so `sandboxRuntimeMain` must be self-contained: no imports, no outer names.
// It is convenience, not security: a plugin can bypass it and post anything on the port, which is why the
// host checks every message.
import type { HostToPlugin, PluginHealth, PluginToHost } from './protocol';

/** What a plugin entry passes to `sentio.definePlugin(...)`. */
export interface PluginDefinition {
  init?(ctx: PluginContext): void | Promise<void>;
  onEvent?(event: PluginEvent, ctx: PluginContext): void | Promise<void>;
  health?(): PluginHealth | Promise<PluginHealth>;
}

export interface PluginEvent {
  id: string;
  type: string;
  topic: string;
  ts: number;
  source: string;
  privacy: 'local' | 'private' | 'public';
  qos: 'realtime' | 'batched' | 'background';
  payload: unknown;
  confidence?: number;
}

export interface PluginPublishOptions {
  type?: string;
  privacy?: 'local' | 'private' | 'public';
  qos?: 'realtime' | 'batched' | 'background';
  confidence?: number;
  ts?: number;
}

export interface PluginContext {
  readonly id: string;
  readonly source: string;
  readonly grants: Extract<HostToPlugin, { type: 'init' }>['grants'];
  publish(topic: string, payload: unknown, options?: PluginPublishOptions): void;
  /** Resolves when the host accepted the subscription; rejects with the host's reason when it refused. */
  subscribe(pattern: string): Promise<void>;
  /** Asks the host to perform a granted actuator ('toast', 'speech'). */
  act(actuator: string, args: unknown): Promise<void>;
  /** Host-kept storage within the granted quota; rejects when it is not granted or full. */
  storage: {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<void>;
  };
}

interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  addEventListener(type: string, fn: (e: Event) => void): void;
  importScripts(...urls: string[]): void;
  sentio?: { definePlugin(def: PluginDefinition): void };
}

export function sandboxRuntimeMain(scope: WorkerScope): void {
  const serialize = (e: unknown) =>
    e instanceof Error
      ? { name: e.name, message: e.message, stack: e.stack }
      : { name: 'Error', message: String(e) };

  // UUIDv7 for the events the plugin publishes (the host validates them like any other event).
  let lastMs = -1;
  let counter = 0;
  // Random bytes drawn 512 ids at a time: getRandomValues per id is a measurable cost per event.
  const pool = new Uint8Array(8 * 512);
  let poolAt = pool.length;
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
  const uuid7 = () => {
    let ms = Date.now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter = (counter + 1) & 0xfff;
      if (counter === 0) ms = lastMs + 1;
    } else counter = 0;
    lastMs = ms;
    if (poolAt + 8 > pool.length) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    const r = pool.subarray(poolAt, (poolAt += 8));
    const t = hex(ms, 12);
    const rest = Array.from(r.subarray(1), (b) => hex(b, 2)).join('');
    return `${t.slice(0, 8)}-${t.slice(8)}-7${hex(counter, 3)}-${hex(0x80 | (r[0]! & 0x3f), 2)}${rest.slice(0, 2)}-${rest.slice(2, 14)}`;
  };

  let definition: PluginDefinition | undefined;
  scope.sentio = {
    definePlugin(def) {
      if (definition) throw new Error('definePlugin was called twice');
      definition = def;
    },
  };

  scope.onmessage = (boot) => {
    const data = boot.data as { type?: string; entryUrl?: string } | null;
    const port = boot.ports[0];
    if (!port || data?.type !== 'connect' || typeof data.entryUrl !== 'string') return;
    scope.onmessage = null;
    const send = (m: PluginToHost) => port.postMessage(m);

    scope.addEventListener('error', (e) =>
      send({
        type: 'error',
        phase: 'runtime',
        error: serialize((e as ErrorEvent).error ?? (e as ErrorEvent).message),
      }),
    );
    scope.addEventListener('unhandledrejection', (e) =>
      send({ type: 'error', phase: 'runtime', error: serialize((e as PromiseRejectionEvent).reason) }),
    );

    try {
      scope.importScripts(data.entryUrl);
    } catch (e) {
      send({ type: 'fault', error: serialize(e) });
      return;
    }
    const def = definition;
    if (!def) {
      send({
        type: 'fault',
        error: { name: 'Error', message: 'the entry did not call sentio.definePlugin(...)' },
      });
      return;
    }

    let outbox: unknown[] = [];
    let flushQueued = false;
    const flush = () => {
      flushQueued = false;
      if (!outbox.length) return;
      send({ type: 'publish', events: outbox });
      outbox = [];
    };
    let nextRequest = 0;
    const pending = new Map<number, { resolve: (value?: unknown) => void; reject: (e: Error) => void }>();
    const request = (make: (requestId: number) => PluginToHost) =>
      new Promise<unknown>((resolve, reject) => {
        const requestId = nextRequest++;
        pending.set(requestId, { resolve, reject });
        flush();
        send(make(requestId));
      });
    const settle = (
      requestId: number | undefined,
      error: { name: string; message: string } | undefined,
      value?: unknown,
    ) => {
      const p = requestId === undefined ? undefined : pending.get(requestId);
      if (!p || requestId === undefined) return;
      pending.delete(requestId);
      if (error) p.reject(Object.assign(new Error(error.message), { name: error.name }));
      else p.resolve(value);
    };

    let ctx: PluginContext | undefined;
    let chain: Promise<void> = Promise.resolve();

    // Outputs of a batch leave together with its acknowledgement: one message back per batch, not per event.
    let inBatch = false;
    const handleBatch = async (events: PluginEvent[]) => {
      inBatch = true;
      for (const event of events) {
        try {
          const r = def.onEvent?.(event, ctx!);
          // Only asynchronous handlers cost a turn of the microtask queue.
          if (r && typeof (r as Promise<void>).then === 'function') await r;
        } catch (e) {
          send({ type: 'error', phase: 'event', error: serialize(e), eventId: event.id });
        }
      }
      inBatch = false;
      flush();
      send({ type: 'done', count: events.length });
    };

    port.onmessage = (e: MessageEvent<HostToPlugin>) => {
      const m = e.data;
      switch (m.type) {
        case 'init': {
          const source = m.source;
          ctx = {
            id: m.id,
            source,
            grants: m.grants,
            publish(topic, payload, o = {}) {
              outbox.push({
                id: uuid7(),
                type: o.type ?? topic,
                topic,
                ts: o.ts ?? Date.now(),
                source,
                privacy: o.privacy ?? 'private',
                qos: o.qos ?? 'batched',
                payload,
                ...(o.confidence === undefined ? {} : { confidence: o.confidence }),
              });
              if (!flushQueued && !inBatch) {
                flushQueued = true;
                queueMicrotask(flush);
              }
            },
            subscribe: (pattern) =>
              request((requestId) => ({ type: 'subscribe', requestId, pattern })).then(() => undefined),
            act: (actuator, args) =>
              request((requestId) => ({ type: 'act', requestId, actuator, args })).then(() => undefined),
            storage: {
              get: (key) => request((requestId) => ({ type: 'storage', requestId, op: 'get', key })),
              set: (key, value) =>
                request((requestId) => ({ type: 'storage', requestId, op: 'set', key, value })).then(
                  () => undefined,
                ),
              delete: (key) =>
                request((requestId) => ({ type: 'storage', requestId, op: 'delete', key })).then(
                  () => undefined,
                ),
            },
          };
          const c = ctx;
          chain = chain.then(async () => {
            try {
              await def.init?.(c);
              flush();
              send({ type: 'ready' });
            } catch (err) {
              send({ type: 'error', phase: 'init', error: serialize(err) });
            }
          });
          break;
        }
        case 'events': {
          const events = m.events as PluginEvent[];
          chain = chain.then(() => handleBatch(events));
          break;
        }
        case 'subscribed':
          settle(m.requestId, undefined);
          break;
        case 'stored':
          settle(m.requestId, undefined, m.value);
          break;
        case 'acted':
          settle(m.requestId, m.ok ? undefined : (m.error ?? { name: 'Error', message: 'refused' }));
          break;
        case 'refused':
          settle(m.requestId, { name: 'CapabilityError', message: m.reason });
          break;
        case 'ping': {
          // Answered outside the event chain: a plugin stuck in a synchronous loop never answers at all,
          // one that is merely busy with a long async handler still does.
          const seq = m.seq;
          Promise.resolve()
            .then(() => def.health?.())
            .then(
              (health) => send({ type: 'pong', seq, ...(health ? { health } : {}) }),
              (err) =>
                send({
                  type: 'pong',
                  seq,
                  health: { ok: false, detail: String((err as Error)?.message ?? err) },
                }),
            );
          break;
        }
      }
    };
    send({ type: 'loaded' });
  };
}

/** The runtime as the source of a classic worker script. */
export function sandboxRuntimeSource(): string {
  return `'use strict';(${sandboxRuntimeMain.toString()})(self);`;
}
