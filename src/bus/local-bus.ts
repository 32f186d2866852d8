// The bus inside one thread. Publishing routes through the topic trie to this thread's subscribers; a link
// (see hub-client.ts) can be attached to carry events to and from other threads through the hub, which makes
// the same object the cross-thread bus.
import type { EventId, Privacy, Qos, SentioEvent } from '../events/event';
import { createCoarseClock, createIdGenerator, UUID_V7, type IdGenerator } from '../events/id';
import type { Clock } from '../platform/clock';
import { assertPattern, assertTopic } from '../events/topic';
import { TopicTrie } from '../events/topic-trie';
import { DEFAULT_LIMITS, validateEvent, type EventLimits } from '../events/validate';
import { LatencyHistogram } from '../telemetry/histogram';
import { LocalSubscription, type SubscriberHandler } from './local-subscription';
import { checkPolicy, defaultPolicy, heldByHub } from './policy';
import type { SpillStore } from './spill-store';
import type { DeliveryReport, WireSubscription } from './protocol';
import {
  BusClosedError,
  RequestTimeoutError,
  type Bus,
  type BusStats,
  type EventMap,
  type BatchHandler,
  type Handler,
  type PublishOptions,
  type RequestOptions,
  type SubscribeBatchOptions,
  type SubscribeOptions,
  type Subscription,
} from './types';

/** How a bus reaches other threads. Attached by the hub client; absent for a purely in-thread bus. */
export interface BusLink {
  /**
   * Throws a named error, before anyone gets it, for an event that would be refused where it leaves the thread.
   * `held`: a subscription of this thread's that the hub holds wants it, so it goes there whatever the interest.
   */
  check(event: SentioEvent, transfer: Transferable[] | undefined, held: boolean): void;
  outbound(event: SentioEvent, transfer: Transferable[] | undefined, held: boolean): void;
  subscribed(sub: WireSubscription): Promise<void>;
  unsubscribed(id: string): void;
  /** `source`: HUB_SOURCE or a lane id. */
  credit(subscriptionId: string, source: string, n: number): void;
  flush(): Promise<void>;
  close(): void;
}

export interface LocalBusOptions {
  /** Becomes `source` of events published here. */
  name: string;
  clock?: Pick<Clock, 'now'>;
  ids?: IdGenerator;
  limits?: EventLimits;
  /** Needed by `persist` subscriptions in this thread (IndexedDB in browsers: see spill-store.ts). */
  spill?: SpillStore;
  /** Handler errors are counted and reported here; by default with reportError so they are never swallowed. */
  onHandlerError?: (err: unknown, event: SentioEvent | undefined, subscriptionId: string) => void;
}

/** The credit source of events that came through the hub (lanes are named by their lane id). */
export const HUB_SOURCE = 'hub';

function isPrivacy(p: Privacy): boolean {
  return p === 'private' || p === 'local' || p === 'public';
}

function isQos(q: Qos): boolean {
  return q === 'realtime' || q === 'batched' || q === 'background';
}
const DEFAULT_CREDITS = 64;
const DEFAULT_MAX_BATCH = 256;
const MAX_LAST_ERRORS = 10;
const ROUTE_CACHE_LIMIT = 8192;

interface Route {
  /** Delivered in this thread. */
  subs: readonly LocalSubscription[];
  /** This thread's, but held by the hub (see heldByHub): delivered through it. */
  held: readonly LocalSubscription[];
  count: number;
  /** The subscription set `subs` was matched against (see `matchesChanged`). */
  generation: number;
}

function defaultErrorReporter(err: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (report) report(err);
  else console.error(err);
}

export interface LocalBus<M extends EventMap = EventMap> extends Bus<M> {
  /** Delivery of an event from another thread (`source`: HUB_SOURCE or a lane id) to one of our subscriptions. */
  deliverRemote(subscriptionId: string, event: SentioEvent, source: string): void;
  /** Attaches the link to other threads; existing subscriptions are registered through it. */
  attach(link: BusLink): void;
  /** Records a refusal at this bus's boundary (shown in stats().lastErrors). */
  noteRejected(message: string): void;
  /** Per subscription, what reached its handler and how long it took (reported to the hub). */
  deliveries(): DeliveryReport[];
  readonly clientId: string;
}

export function createLocalBus<M extends EventMap = EventMap>(options: LocalBusOptions): LocalBus<M> {
  const clock = options.clock ?? createCoarseClock();
  const ids = options.ids ?? createIdGenerator(clock);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const reportHandlerError = options.onHandlerError ?? defaultErrorReporter;
  // 12 of the first id's random hex digits (its last three are a counter).
  const first = ids.next();
  const clientId = first.slice(15, 18) + first.slice(20, 23) + first.slice(24, 30);
  const trie = new TopicTrie<LocalSubscription>();
  const subs = new Map<string, LocalSubscription>();
  let routes = new Map<string, Route>();
  // A subscription change makes every cached match stale; the entries (and their counts, which per-topic
  // rates are computed from) stay, and each is re-matched when next used.
  let generation = 0;
  const latency = new LatencyHistogram();
  const lastErrors: string[] = [];
  let link: BusLink | undefined;
  let closed = false;
  let published = 0;
  let rejected = 0;
  let subSeq = 0;
  let inboxSeq = 0;
  let rateWindow = { at: clock.now(), counts: new Map<string, number>() };
  const readyBySub = new Map<string, Promise<void>>();

  const host = {
    now: () => clock.now(),
    latency,
    spill: options.spill,
    onHandlerError: (err: unknown, event: SentioEvent | undefined, subscriptionId: string) => {
      noteError(
        `handler of subscription ${subscriptionId} failed${event ? ` on ${event.topic}` : ''}: ${(err as Error)?.message ?? err}`,
      );
      reportHandlerError(err, event, subscriptionId);
    },
    onSettled: (subscriptionId: string, source: string, n: number) => link?.credit(subscriptionId, source, n),
  };

  function noteError(msg: string): void {
    lastErrors.push(msg);
    if (lastErrors.length > MAX_LAST_ERRORS) lastErrors.shift();
  }

  /** Splits the matching subscriptions: delivered here, or (connected to a hub) held by the hub. */
  function match(topic: string): Pick<Route, 'subs' | 'held'> {
    const all = trie.match(topic);
    if (!link || !all.some((s) => heldByHub(s.durable, s.policy))) return { subs: all, held: [] };
    return {
      subs: all.filter((s) => !heldByHub(s.durable, s.policy)),
      held: all.filter((s) => heldByHub(s.durable, s.policy)),
    };
  }

  function route(topic: string): Route {
    let r = routes.get(topic);
    if (r !== undefined && r.generation !== generation) {
      Object.assign(r, match(topic));
      r.generation = generation;
    }
    if (r === undefined) {
      assertTopic(topic);
      // One-off topics (request inboxes) must not grow the cache for ever; rates restart when it is cleared.
      if (routes.size >= ROUTE_CACHE_LIMIT) routes = new Map();
      r = { ...match(topic), count: 0, generation };
      routes.set(topic, r);
    }
    return r;
  }

  function dispatch(event: SentioEvent, transfer: Transferable[] | undefined): void {
    let r = routes.get(event.topic);
    if (r === undefined || r.generation !== generation) r = route(event.topic);
    // Media cannot reach the hub (a SharedWorker cannot receive it): held subscriptions get it here then.
    const viaHub = r.held.length > 0 && !transfer?.length;
    // First: the link throws for an event that cannot leave the thread, and then nobody gets it.
    if (link) link.check(event, transfer, viaHub);
    r.count++;
    published++;
    const list = r.subs;
    for (let i = 0; i < list.length; i++) list[i]!.offer(event);
    if (!viaHub) for (let i = 0; i < r.held.length; i++) r.held[i]!.offer(event);
    if (link) link.outbound(event, transfer, viaHub);
  }

  function addSubscription(pattern: string, handler: SubscriberHandler, o: SubscribeOptions): Subscription {
    checkOpen();
    assertPattern(pattern);
    const policy = checkPolicy(o.policy ?? defaultPolicy(o.qos ?? 'batched'));
    const credits = o.credits ?? DEFAULT_CREDITS;
    if (!Number.isInteger(credits) || credits < 1)
      throw new RangeError(`credits must be a whole number ≥ 1 (got ${credits})`);
    const id = `${clientId}.${++subSeq}`;
    const sub = new LocalSubscription(id, pattern, policy, handler, host, o.durable);
    subs.set(id, sub);
    trie.add(pattern, sub);
    generation++;
    const ready = link
      ? link.subscribed({ id, pattern, policy, credits, durable: o.durable, lane: o.lane ?? false })
      : Promise.resolve();
    ready.catch(() => {}); // Observed through `subscription.ready`; not an unhandled rejection here.
    readyBySub.set(id, ready);
    return {
      id,
      pattern,
      ready,
      stats: () => sub.stats(),
      unsubscribe: () => {
        if (!subs.delete(id)) return;
        sub.close();
        trie.remove(pattern, sub);
        generation++;
        readyBySub.delete(id);
        link?.unsubscribed(id);
      },
    };
  }

  function checkOpen(): void {
    if (closed) throw new BusClosedError();
  }

  const bus: LocalBus<M> = {
    name: options.name,
    clientId,

    publish(topic: string, payload: unknown, o?: PublishOptions) {
      checkOpen();
      let event: SentioEvent;
      if (o === undefined) {
        const ts = clock.now();
        event = {
          id: ids.next(ts),
          type: topic,
          topic,
          ts,
          source: options.name,
          privacy: 'private',
          qos: 'batched',
          payload,
        };
      } else {
        const ts = o.ts ?? clock.now();
        if (o.id !== undefined && !(typeof o.id === 'string' && UUID_V7.test(o.id)))
          throw new TypeError(`id must be a lower-case UUIDv7 (got ${JSON.stringify(o.id)})`);
        event = {
          id: (o.id as EventId | undefined) ?? ids.next(ts),
          type: o.type ?? topic,
          topic,
          ts,
          source: options.name,
          privacy: o.privacy ?? 'private',
          qos: o.qos ?? 'batched',
          payload,
        };
        if (!isPrivacy(event.privacy))
          throw new TypeError(`privacy must be local, private or public (got ${event.privacy})`);
        if (!isQos(event.qos))
          throw new TypeError(`qos must be realtime, batched or background (got ${event.qos})`);
        if (o.priority !== undefined) event.priority = o.priority;
        if (o.trace) event.trace = o.trace;
        if (o.meta) event.meta = o.meta;
        if (o.confidence !== undefined) event.confidence = o.confidence;
        if (o.tags) event.tags = o.tags;
      }
      dispatch(event, o === undefined ? undefined : o.transfer);
      return event as never;
    },

    publishEvent(event: SentioEvent) {
      checkOpen();
      const v = validateEvent(event, limits);
      if (!v.ok) {
        rejected++;
        noteError(v.error.message);
        throw v.error;
      }
      dispatch(v.event, undefined);
    },

    subscribe(pattern: string, handler: Handler<never>, o: SubscribeOptions = {}): Subscription {
      return addSubscription(pattern, handler as Handler, o);
    },

    subscribeBatch(pattern: string, handler: BatchHandler<never>, o: SubscribeBatchOptions = {}) {
      const max = o.maxBatch ?? DEFAULT_MAX_BATCH;
      if (!Number.isInteger(max) || max < 1)
        throw new RangeError(`maxBatch must be a whole number ≥ 1 (got ${max})`);
      return addSubscription(pattern, { batch: handler as BatchHandler, max }, o);
    },

    request(topic: string, payload: unknown, o: RequestOptions = {}) {
      checkOpen();
      const timeoutMs = o.timeoutMs ?? 5000;
      const inbox = `_inbox.${clientId}.${++inboxSeq}`;
      return new Promise<SentioEvent<never>>((resolve, reject) => {
        let done = false;
        const sub = bus.subscribe(
          inbox,
          (reply) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            sub.unsubscribe();
            resolve(reply as SentioEvent<never>);
          },
          { policy: { kind: 'dropOldest', n: 16 } },
        );
        const timer = setTimeout(() => {
          if (done) return;
          done = true;
          sub.unsubscribe();
          reject(new RequestTimeoutError(topic, timeoutMs));
        }, timeoutMs);
        // The reply must not beat the subscription to the hub.
        sub.ready.then(
          () => {
            if (!done)
              bus.publish(topic as never, payload as never, { ...o, meta: { ...o.meta, replyTo: inbox } });
          },
          (err: unknown) => {
            done = true;
            clearTimeout(timer);
            reject(err);
          },
        );
      });
    },

    reply(request: SentioEvent, payload: unknown, o?: PublishOptions) {
      const to = request.meta?.replyTo;
      if (!to)
        throw new TypeError(`event ${request.id} on "${request.topic}" is not a request (no meta.replyTo)`);
      bus.publish(to as never, payload as never, { privacy: request.privacy, ...o });
    },

    stats(): BusStats {
      const now = clock.now();
      const elapsed = Math.max(1, now - rateWindow.at) / 1000;
      const topicRates: Record<string, number> = {};
      const counts = new Map<string, number>();
      for (const [topic, r] of routes) {
        counts.set(topic, r.count);
        const prev = rateWindow.counts.get(topic) ?? 0;
        if (r.count > prev) topicRates[topic] = (r.count - prev) / elapsed;
      }
      rateWindow = { at: now, counts };
      let delivered = 0;
      const subscriptions = [...subs.values()].map((s) => {
        delivered += s.delivered;
        return s.stats();
      });
      return {
        published,
        delivered,
        rejected,
        lastErrors: [...lastErrors],
        subscriptions,
        topicRates,
        latency: latency.summary(),
      };
    },

    flush() {
      return link ? link.flush() : Promise.resolve();
    },

    close() {
      if (closed) return;
      closed = true;
      for (const s of subs.values()) s.close();
      subs.clear();
      link?.close();
    },

    deliverRemote(subscriptionId: string, event: SentioEvent, source: string) {
      const sub = subs.get(subscriptionId);
      if (sub) {
        sub.offer(event, source);
      } else {
        // Unsubscribed while the event was in flight: give the credit back so the sender's count stays true.
        link?.credit(subscriptionId, source, 1);
      }
    },

    attach(l: BusLink) {
      link = l;
    },

    noteRejected(message: string) {
      rejected++;
      noteError(message);
    },

    deliveries() {
      return [...subs.values()].map((s) => {
        const l = s.latency();
        return l
          ? { id: s.id, delivered: s.delivered, latency: { p50: l.p50, p99: l.p99, count: l.count } }
          : { id: s.id, delivered: s.delivered };
      });
    },
  };
  return bus;
}
