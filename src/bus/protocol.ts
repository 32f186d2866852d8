// The whole wire format between bus clients and the hub, and on direct lanes. Types only. Each tag maps to
// its payload so a `switch` on `type` narrows without casts.
import type { SentioEvent } from '../events/event';
import type { BackpressurePolicy, DropReason } from './policy';
import type { LogQuery, LogRetention, LogStats } from './event-log';
import type { ErrorData } from '../platform/error-data';
import type { Tagged } from '../platform/messages';

export const PROTOCOL_VERSION = 1;

export interface WireSubscription {
  id: string;
  pattern: string;
  policy: BackpressurePolicy;
  credits: number;
  durable?: string;
  lane: boolean;
}

export interface HubSubscriptionStats {
  id: string;
  client: string;
  pattern: string;
  durable?: string;
  policy: BackpressurePolicy;
  lane: boolean;
  connected: boolean;
  /**
   * Events handed to the subscriber's handler on every path (through the hub, on lanes, from its own thread),
   * as its owner last reported (at most a report interval old); what the hub sent until a report arrives.
   */
  delivered: number;
  /** Events the hub itself sent (lanes and the owner's own publishes bypass it). */
  sentByHub: number;
  /** Publish → handler latency (ms) of the events that crossed threads or waited, as the owner reported. */
  latency?: DeliveryLatency;
  inFlight: number;
  backlog: number;
  dropped: Partial<Record<DropReason, number>>;
}

export interface HubStats {
  hubId: string;
  clients: { id: string; name: string; connectedAt: number }[];
  subscriptions: HubSubscriptionStats[];
  routed: number;
  rejected: number;
  /** Subscribes answered by the deadline because a client did not acknowledge interest (interest-barrier.ts). */
  interestTimeouts: number;
  topicRates: Record<string, number>;
  log: LogStats;
}

export interface DeliveryLatency {
  p50: number;
  p99: number;
  count: number;
}

/** A subscriber's own count of what reached its handler (see delivery-reporter.ts). */
export interface DeliveryReport {
  id: string;
  delivered: number;
  latency?: DeliveryLatency;
}

export interface InterestEntry {
  id: string;
  pattern: string;
  owner: string;
  lane: boolean;
}

/** Control requests a client can make of the hub; each answers with a `result` of the mapped type. */
export interface HubRequests {
  /** A round trip: everything this client sent before it has been handled by the hub. */
  ping: { params: Record<string, never>; result: { hubId: string } };
  stats: { params: Record<string, never>; result: HubStats };
  'log.configure': { params: Partial<LogRetention>; result: LogRetention };
  'log.query': { params: LogQuery; result: SentioEvent[] };
  'log.replay': { params: LogQuery & { speed: number | 'max' }; result: { replayed: number } };
  'log.export': { params: LogQuery; result: string };
  'log.import': { params: { jsonl: string }; result: { imported: number; errors: string[] } };
  'log.compact': { params: Record<string, never>; result: LogStats };
}

export type HubRequestName = keyof HubRequests;

export interface ClientMessages {
  hello: { clientId: string; name: string; protocol: number; lockName: string | null };
  /** `lanes`: lane subscriptions the sender already delivered these events to directly (the hub skips them). */
  publish: { events: SentioEvent[]; lanes: string[] };
  subscribe: { sub: WireSubscription };
  unsubscribe: { id: string };
  credit: { grants: [subscriptionId: string, n: number][] };
  request: { reqId: number; name: HubRequestName; params: unknown };
  /** The client applied interest `version`: its later publishes follow it. */
  'interest.ack': { version: number };
  bye: { reason?: string };
  /** Per subscription, what reached its handlers: sent about once a second, only when something changed. */
  delivery: { reports: DeliveryReport[] };
}

export interface HubMessages {
  welcome: { hubId: string; clientId: string; connections: number };
  deliver: { batches: [subscriptionId: string, events: SentioEvent[]][] };
  subscribed: { id: string; error?: ErrorData };
  rejected: { errors: ErrorData[] };
  /** Topics someone on the hub side listens to (or the log keeps): a client sends only those to the hub. */
  interest: {
    version: number;
    add: InterestEntry[];
    remove: string[];
    /** When set, replaces everything the client knew. */
    reset?: boolean;
    log?: { keep: string[]; skip: string[]; keepRealtime: boolean };
  };
  'lane.open': {
    laneId: string;
    subscriptionId: string;
    pattern: string;
    role: 'publisher' | 'subscriber';
    policy: BackpressurePolicy;
    credits: number;
    port: MessagePort;
  };
  'lane.close': { laneId: string };
  response: { reqId: number; result?: unknown; error?: ErrorData };
}

export interface LaneMessages {
  events: { events: SentioEvent[] };
  credit: { n: number };
}

export type ClientMessage = Tagged<ClientMessages>;
export type HubMessage = Tagged<HubMessages>;
export type LaneMessage = Tagged<LaneMessages>;
