// The page side of the agent runtime, run by the one tab that holds the `sentio.agents` Web Lock. It owns
// the agents' bus subscriptions and writes every event into the agent's durable inbox before the bus may
// consider it handled, forwards it to the agent worker, performs committed actions exactly once, runs the
// inference scheduler, and supervises the worker. After a worker crash nothing is re-sent by hand: the new
// worker reads its inbox, which holds exactly the events not yet committed.
import * as Comlink from 'comlink';
import { HandlerRetryError, type Bus, type Subscription } from '../bus/types';
import { defaultPolicy, policies } from '../bus/policy';
import type { SentioEvent } from '../events/event';
import { bucketIndexedDb } from '../storage/buckets';
import { openDatabase, type SentioDb } from '../storage/db';
import { isQuotaError } from '../storage/quota-error';
import { createAgentStages } from '../telemetry/agent-stages';
import type { StageTracer } from '../telemetry/stage-tracer';
import type { BackoffPolicy } from '../platform/backoff';
import { systemClock, type Clock } from '../platform/clock';
import { actionPublishOptions } from './action-publish';
import { createDurableStore, type DurableStore } from './durable-store';
import { fromAgentErrorData, toAgentErrorData } from './errors';
import {
  errorTopic,
  type AgentInfo,
  type AgentWorkerApi,
  type Delivery,
  type FailureReport,
  type HostCallbacks,
} from './protocol';
import { createInferenceScheduler, type InferenceScheduler, type SchedulerStats } from './scheduler';
import { createSupervisor, type Supervisor, type SupervisorEvent, type SupervisorStats } from './supervisor';
import type { AgentAction, AgentSnapshot, InferFn } from './types';

export type Actuator = (action: AgentAction) => void | Promise<void>;

export interface AgentHostOptions {
  /** Spawns an agent worker; `name` must become the Worker's name (it is the worker's life lock). */
  spawnWorker(name: string): Worker;
  dbName?: string;
  /**
   * Keeps the agents' database in this Storage Bucket (Chromium), e.g. one opened with a quota that caps what
   * agent state may take; a full bucket is a quota error at commit, retried until space is back.
   */
  storageBucket?: string;
  /** Where agents get their events and where emits, errors and dead letters go. */
  bus?: Bus;
  /** Performers of `ctx.act(kind, …)` by kind. Kinds without one are published on `agent.<id>.act.<kind>`. */
  actuators?: Record<string, Actuator>;
  /** `ctx.infer`: the router once it exists. */
  infer?: InferFn;
  /** Most inference calls in flight at once, over all agents. Default 2. */
  inferenceLimit?: number;
  /** Web Lock that makes agents run in one tab per origin. Set null to skip (tests of two hosts). */
  lockName?: string | null;
  groupCommit?: number;
  restartBackoff?: BackoffPolicy;
  /** See SupervisorOptions.startTimeoutMs. */
  workerStartTimeoutMs?: number;
  embeddingsUrl?: string;
  clock?: Clock;
  onSupervisorEvent?(e: SupervisorEvent): void;
  /**
   * Traces events that carry a trace: the agent stage (delivery → the commit that settled it) and the action
   * stage (an actuator performing it); actions and emits continue the causing event's trace.
   */
  tracer?: StageTracer;
}

export interface HostSnapshot {
  agents: AgentSnapshot[];
  worker: SupervisorStats;
  scheduler: SchedulerStats;
  actions: { performed: number; failed: number; lastError: string | null };
  failures: FailureReport[];
}

const FAILURES_KEPT = 50;
/** Performed actions are kept this long (for inspection), then forgotten. */
const ACTION_RETENTION_MS = 24 * 3600_000;

export function createAgentHost(o: AgentHostOptions) {
  const dbName = o.dbName ?? 'sentio';
  const clock = o.clock ?? systemClock;
  const scheduler: InferenceScheduler = createInferenceScheduler(o.inferenceLimit ?? 2);
  let db: SentioDb | null = null;
  let store: DurableStore | null = null;
  let api: Comlink.Remote<AgentWorkerApi> | null = null;
  let agents: AgentInfo[] = [];
  const subscriptions: Subscription[] = [];
  let localSeq = 0;
  let releaseLock: (() => void) | null = null;
  const failures: FailureReport[] = [];
  const actionStats = { performed: 0, failed: 0, lastError: null as string | null };
  /** Keys handed to an actuator in this page's life: a re-scan of the outbox must not repeat them. */
  const dispatched = new Set<string>();
  let sinceCleanup = 0;
  const stages = o.tracer ? createAgentStages(o.tracer) : null;
  /**
   * Inbox writes refused for lack of space, per agent and batch (by its first event: the bus delivers the same
   * batch again): the attempt the next error report names, and the events as first delivered (their agent
   * spans are already open: a redelivery must not open others).
   */
  const inboxRefusals = new Map<string, { attempt: number; traced: readonly SentioEvent[] }>();
  const delivered = (agentId: string, event: SentioEvent) => stages?.deliver(agentId, event) ?? event;

  async function perform(a: AgentAction): Promise<void> {
    const actuator = o.actuators?.[a.kind];
    if (actuator) return stages ? stages.perform(a, () => actuator(a)) : actuator(a);
    if (!o.bus) throw new Error(`no actuator for "${a.kind}" and no bus to publish it on`);
    // Published again after a crash, it is the same event (same id).
    const published = actionPublishOptions(a);
    // What the action publishes continues its cause's trace; whoever performs it there runs the action stage.
    const trace = a.trace ? { trace: a.trace } : {};
    // What an agent derives keeps its cause's label; a stored action from before labels counts as local.
    const privacy = a.privacy ?? 'local';
    if (a.kind === 'emit') {
      const { topic, payload } = a.payload as { topic: string; payload: unknown };
      o.bus.publish(topic, payload, { ...published, privacy, ...trace });
    } else {
      o.bus.publish(`agent.${a.agentId}.act.${a.kind}`, a.payload, {
        ...published,
        type: 'agent.action',
        privacy,
        ...trace,
      });
    }
  }

  async function dispatch(actions: readonly AgentAction[]): Promise<void> {
    const done: string[] = [];
    for (const a of actions) {
      if (dispatched.has(a.key)) continue;
      dispatched.add(a.key);
      try {
        await perform(a);
        actionStats.performed++;
        done.push(a.key);
      } catch (e) {
        // Left pending in the outbox; the next re-scan (worker restart or page load) tries again.
        dispatched.delete(a.key);
        actionStats.failed++;
        actionStats.lastError = `${a.kind} ${a.key}: ${(e as Error).message}`;
      }
    }
    if (done.length && store) {
      await store.markPerformed(done);
      sinceCleanup += done.length;
      if (sinceCleanup >= 1024) {
        sinceCleanup = 0;
        await store.prunePerformed(clock.now() - ACTION_RETENTION_MS);
      }
    }
  }

  async function redispatchPending(): Promise<void> {
    if (store) await dispatch(await store.pendingActions());
  }

  const callbacks: HostCallbacks = {
    committed: (actions) => void dispatch(actions),
    settled: (agentId, events) => stages?.settled(agentId, events),
    failed(report) {
      failures.push(report);
      if (failures.length > FAILURES_KEPT) failures.shift();
      o.bus?.publish(errorTopic(report.agentId), report, { type: 'agent.error' });
    },
    infer(agentId, task, input, options) {
      const infer = o.infer;
      if (!infer)
        return Promise.reject(
          new Error('no inference engine is configured for agents (AgentHostOptions.infer)'),
        );
      return scheduler.run(agentId, options?.priority ?? 'normal', () => infer(task, input, options));
    },
    log(agentId, message, data) {
      console.debug(`[agent ${agentId}] ${message}`, data ?? '');
    },
  };
  const proxiedCallbacks = Comlink.proxy(callbacks);

  const supervisor: Supervisor = createSupervisor({
    spawn: o.spawnWorker,
    lockPrefix: `sentio.agents.${dbName}`,
    backoff: o.restartBackoff ?? { baseMs: 100, maxMs: 10_000 },
    ...(o.workerStartTimeoutMs !== undefined ? { startTimeoutMs: o.workerStartTimeoutMs } : {}),
    clock,
    onEvent: (e) => {
      if (e.type === 'crashed') api = null;
      // Reported on the bus too, so the dashboard and telemetry see restarts without polling.
      if (e.type !== 'stopped') o.bus?.publish(`agents.worker.${e.type}`, e, { type: 'agents.worker' });
      o.onSupervisorEvent?.(e);
    },
    async start(worker, _generation, lifeLock) {
      const remote = Comlink.wrap<AgentWorkerApi>(worker);
      const startOptions = {
        dbName,
        lifeLock,
        ...(o.groupCommit !== undefined ? { groupCommit: o.groupCommit } : {}),
        ...(o.storageBucket !== undefined ? { storageBucket: o.storageBucket } : {}),
        ...(o.embeddingsUrl !== undefined ? { embeddingsUrl: o.embeddingsUrl } : {}),
        ...(stages ? { reportSettled: true } : {}),
      };
      const result = await remote.start(startOptions, proxiedCallbacks);
      if (!result.ok) throw fromAgentErrorData(result.error);
      agents = result.agents;
      api = remote;
      // Held while no worker was up; the new worker ignores what its load already covered.
      send();
      // Actions committed just before the previous worker died may never have been reported.
      await redispatchPending();
    },
  });

  // Deliveries are coalesced per microtask: one message to the worker carries everything accepted meanwhile.
  // While no worker is up (a crash is being handled) they wait here: a durable agent's worker must receive
  // its events in inbox order with none missing after its load, or its settled watermark would skip one.
  let outgoing: Delivery[] = [];
  let scheduled = false;
  function send(): void {
    scheduled = false;
    if (!api || !outgoing.length) return;
    const batch = outgoing;
    outgoing = [];
    // Fire and forget: if the worker dies first, its successor reads these from the inbox.
    void api.deliver(batch).catch(() => {});
  }
  function forward(batch: readonly Delivery[]): void {
    if (!batch.length) return;
    for (const d of batch) outgoing.push(d);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(send);
    }
  }

  function forwardFresh(agentId: string, event: SentioEvent): void {
    forward([{ agentId, seq: ++localSeq, event }]);
  }

  /**
   * A durable agent's subscription handler: the events count as handled only once they are in the inbox,
   * written in one transaction per batch. A full disk is transient, so the events must not be lost to it: the
   * agent says so on `agent.<id>.error` (willRetry) and the bus keeps the batch and delivers it again
   * (HandlerRetryError). Other errors stay what they are.
   */
  async function ingestDurable(
    ingest: (traced: readonly SentioEvent[]) => Promise<void>,
    agentId: string,
    events: readonly SentioEvent[],
  ) {
    const first = events[0];
    if (!first) return;
    const key = `${agentId}\n${first.id}`;
    const before = inboxRefusals.get(key);
    const traced =
      before && before.traced.length === events.length
        ? before.traced
        : events.map((e) => delivered(agentId, e));
    try {
      await ingest(traced);
      inboxRefusals.delete(key);
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      const attempt = (before?.attempt ?? 0) + 1;
      inboxRefusals.set(key, { attempt, traced });
      const error = toAgentErrorData(err);
      callbacks.failed({ agentId, eventId: first.id, attempt, error, timedOut: false, willRetry: true });
      const which =
        events.length === 1 ? `event ${first.id} is` : `${events.length} events from ${first.id} are`;
      throw new HandlerRetryError(
        `agent "${agentId}": storage is full, ${which} not in its inbox yet (attempt ${attempt})`,
        { cause: err },
      );
    }
  }

  function agentInfo(agentId: string): AgentInfo {
    const a = agents.find((x) => x.id === agentId);
    if (!a) throw new Error(`no agent "${agentId}" is running`);
    return a;
  }

  return {
    /** Takes the agents lock (waiting while another tab has it), then starts the worker and the subscriptions. */
    async start(): Promise<void> {
      if (o.lockName !== null) {
        await new Promise<void>((acquired) => {
          void navigator.locks.request(o.lockName ?? 'sentio.agents', () => {
            acquired();
            return new Promise<void>((release) => (releaseLock = release));
          });
        });
      }
      db = openDatabase(dbName, o.storageBucket ? await bucketIndexedDb(o.storageBucket) : undefined);
      store = createDurableStore(db, clock.now);
      await redispatchPending();
      await supervisor.start();
      if (!api)
        throw new Error(`agent worker did not start: ${supervisor.stats().lastCrash?.reason ?? 'unknown'}`);
      if (o.bus) {
        const bus = o.bus;
        for (const a of agents) {
          a.subscriptions.forEach((s, i) => {
            const options = {
              durable: `agent.${a.id}.${i}`,
              // Durable agents must never lose an event to backpressure; in-memory ones take the QoS default.
              policy: s.policy ?? (a.durable ? policies.persist() : defaultPolicy(s.qos ?? 'batched')),
              ...(s.qos ? { qos: s.qos } : {}),
            };
            subscriptions.push(
              // Durable agents: the bus may count events handled only once they are in the inbox, and takes
              // what waited meanwhile as one batch (one inbox transaction, not one per event). In-memory
              // agents: nothing to wait for, and waiting would serialise delivery for no gain.
              a.durable
                ? bus.subscribeBatch(
                    s.pattern,
                    (events) => ingestDurable((traced) => this.ingest(a.id, traced), a.id, events),
                    options,
                  )
                : bus.subscribe(s.pattern, (event) => forwardFresh(a.id, delivered(a.id, event)), options),
            );
          });
        }
        await Promise.all(subscriptions.map((s) => s.ready));
      }
    },

    /**
     * Accepts events for an agent: durable agents get them in their inbox first (resolves once written),
     * then the worker is told. Redeliveries of events already accepted are ignored.
     */
    async ingest(agentId: string, events: readonly SentioEvent[]): Promise<void> {
      const info = agentInfo(agentId);
      if (!info.durable) {
        forward(events.map((event) => ({ agentId, seq: ++localSeq, event })));
        return;
      }
      if (!store) throw new Error('agent host is not started');
      const fresh = await store.accept(events.map((event) => ({ agentId, event })));
      forward(fresh);
    },

    async inspect(): Promise<HostSnapshot> {
      const list = api
        ? await Promise.race([
            api.inspect(),
            new Promise<AgentSnapshot[]>((r) => clock.setTimeout(() => r([]), 1000)),
          ])
        : [];
      return {
        agents: list,
        worker: supervisor.stats(),
        scheduler: scheduler.stats(),
        actions: { ...actionStats },
        failures: [...failures],
      };
    },

    agents: (): readonly AgentInfo[] => agents,
    currentWorker: (): Worker | undefined => supervisor.current(),

    async stop(): Promise<void> {
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      const remote = api;
      api = null;
      if (remote)
        await Promise.race([remote.stop(), new Promise<void>((r) => clock.setTimeout(() => r(), 2000))]);
      await supervisor.stop();
      db?.close();
      releaseLock?.();
    },
  };
}

export type AgentHost = ReturnType<typeof createAgentHost>;
