// The one IndexedDB database of Sentio: every table, index and migration is declared here and nowhere else.
// Opened by a factory (no import-time side effects); each thread opens its own connection.
import { Dexie, type EntityTable } from 'dexie';
import type { Privacy, SentioEvent } from '../events/event';

/** The event log: what the retention policy keeps, in publish order. */
export interface LoggedEvent {
  seq?: number;
  id: string;
  topic: string;
  ts: number;
  /** Approximate stored size, for retention by total size. */
  bytes: number;
  event: SentioEvent;
}

/** Events a `persist` subscription could not keep in memory, per durable subscription name. */
export interface SpilledEvent {
  key?: number;
  queue: string;
  event: SentioEvent;
}

/** An agent's state, committed in one transaction with the id of the last event it processed. */
export interface AgentStateRow {
  agentId: string;
  stateVersion: number;
  state: unknown;
  lastEventId: string;
  processed: number;
  updatedAt: number;
  /** The short-term context window as of that event, so a replay sees what the first run saw. */
  window?: unknown[];
  /** Every inbox row of this agent with seq ≤ this is settled… */
  settledThrough?: number;
  /** …and so are these above it (the mailbox runs by priority, not strictly by arrival). */
  settledAbove?: number[];
  /** Incremented by every commit: a writer that did not see the last commit is not the owner. */
  commitId?: number;
}

/**
 * An agent's durable inbox: events accepted for an agent, in arrival order. Which of them are settled is
 * recorded in the agent's state row (`settledThrough` + `settledAbove`), in the same transaction as the state
 * they produced, so a commit writes one row however many events it settles. Settled rows stay a while
 * (bounded per agent) so a late redelivery of the same event is recognised and ignored.
 */
export interface InboxRow {
  seq?: number;
  agentId: string;
  eventId: string;
  /** The event while it waits for the agent; dropped once it is settled (the ids alone catch redeliveries). */
  event?: SentioEvent;
}

/** Idempotency keys of actions already performed, so an effect never happens twice. */
export interface ActionRow {
  key: string;
  agentId: string;
  ts: number;
  result?: unknown;
  /** An outbox: written 0 with the commit that asked for it, set to 1 once the actuator has performed it. */
  performed?: 0 | 1;
  kind?: string;
  payload?: unknown;
  eventId?: string;
  /** The causing event's label (AgentAction.privacy). */
  privacy?: Privacy;
  /** The id of the event it publishes (AgentAction.publishId). */
  publishId?: string;
}

/** Long-term episodic memory: an episode with its embedding. */
export interface MemoryRow {
  id: string;
  agentId: string;
  text: string;
  embedding: Float32Array;
  importance: number;
  /** 1 = never evicted. Numbers, not booleans, because IndexedDB cannot index booleans. */
  pinned: 0 | 1;
  createdAt: number;
  expiresAt: number;
  data?: unknown;
}

/** Cloud requests waiting for the network, keyed by idempotency key. */
export interface OutboxRow {
  id: string;
  endpoint: string;
  request: unknown;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  lastError?: string;
}

/** Hash-chained audit log of every egress decision. */
export interface AuditRow {
  seq?: number;
  ts: number;
  entry: unknown;
  prevHash: string;
  hash: string;
}

/** Router decisions with their features and, later, their outcome (training data for the learned router). */
export interface DecisionRow {
  id: string;
  ts: number;
  task: string;
  route: string;
  features: Record<string, number | string | boolean>;
  outcome?: Record<string, number | string | boolean>;
}

export interface ConsentRow {
  /** `${capability}:${scope}`, e.g. "cloud.transcript:https://api.example.com". */
  key: string;
  granted: 0 | 1;
  ts: number;
}

export interface PluginRow {
  id: string;
  version: string;
  manifest: unknown;
  entry: ArrayBuffer;
  installedAt: number;
  active: 0 | 1;
}

/** Events the NATS bridge could not send yet (server unreachable), oldest first, per bridge. */
export interface BridgeOutboxRow {
  seq?: number;
  /** Which bridge: `${space}:${device}`. */
  bridge: string;
  subject: string;
  durable: 0 | 1;
  event: SentioEvent;
}

export interface KeyValueRow {
  key: string;
  value: unknown;
}

export type SentioDb = Dexie & {
  events: EntityTable<LoggedEvent, 'seq'>;
  spill: EntityTable<SpilledEvent, 'key'>;
  agentState: EntityTable<AgentStateRow, 'agentId'>;
  inbox: EntityTable<InboxRow, 'seq'>;
  actions: EntityTable<ActionRow, 'key'>;
  memories: EntityTable<MemoryRow, 'id'>;
  outbox: EntityTable<OutboxRow, 'id'>;
  audit: EntityTable<AuditRow, 'seq'>;
  decisions: EntityTable<DecisionRow, 'id'>;
  consent: EntityTable<ConsentRow, 'key'>;
  plugins: EntityTable<PluginRow, 'id'>;
  settings: EntityTable<KeyValueRow, 'key'>;
  bridgeOutbox: EntityTable<BridgeOutboxRow, 'seq'>;
};

export const DEFAULT_DB_NAME = 'sentio';

/** `indexedDB`: another factory than the origin's default, e.g. a Storage Bucket's (storage/buckets.ts). */
export function openDatabase(name: string = DEFAULT_DB_NAME, indexedDB?: IDBFactory): SentioDb {
  const db = (indexedDB ? new Dexie(name, { indexedDB, IDBKeyRange }) : new Dexie(name)) as SentioDb;
  db.version(1).stores({
    events: '++seq, &id, topic, ts, [topic+ts]',
    spill: '++key, [queue+key]',
    agentState: 'agentId',
    actions: 'key, agentId, ts',
    memories: 'id, agentId, expiresAt, [agentId+pinned]',
    outbox: 'id, nextAttemptAt, endpoint',
    audit: '++seq',
    decisions: 'id, ts, task',
    consent: 'key',
    plugins: '[id+version], id, active',
    settings: 'key',
  });
  // v2: the agents' durable inbox, and the actions outbox indexed by what is still to be performed.
  db.version(2).stores({
    inbox: '++seq, &[agentId+eventId], [agentId+seq]',
    actions: 'key, agentId, ts, [performed+ts]',
  });
  // v3: the NATS bridge's outbox.
  db.version(3).stores({ bridgeOutbox: '++seq, [bridge+seq]' });
  return db;
}
