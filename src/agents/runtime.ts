// The worker side: hosts several agents, loads their durable state and pending inbox at start, routes
// deliveries to their runners and answers inspect(). Exposed over comlink by workers/agent.worker.ts.
import { bucketIndexedDb } from '../storage/buckets';
import { openDatabase, type SentioDb } from '../storage/db';
import { AgentRunner } from './agent-runner';
import { systemClock, type Clock } from '../platform/clock';
import type { ResolvedAgent } from './define';
import { createDurableStore, freshAgent } from './durable-store';
import { AgentDefinitionError, toAgentErrorData, UnknownAgentError } from './errors';
import { createEpisodicMemory, type EpisodicMemory } from './memory/episodic-memory';
import type { EmbeddingProvider } from './memory/embedding-provider';
import { createUseLiteProvider } from './memory/use-lite-provider';
import type { AgentWorkerApi, Delivery, HostCallbacks, StartOptions, StartResult } from './protocol';
import type { ErrorData } from '../platform/error-data';

export interface RuntimeDeps {
  clock?: Clock;
  openDb?: (name: string, indexedDB?: IDBFactory) => SentioDb;
  embeddings?: (baseUrl: string | undefined) => EmbeddingProvider;
  /** Holds a Web Lock until the thread dies. */
  holdLock?: (name: string) => Promise<void>;
  /**
   * The life lock to take right away (the worker's name, given by the supervisor), so that a worker killed
   * while still starting is noticed at once. Without it the lock is taken in start().
   */
  lifeLock?: string;
}

function holdWebLock(name: string): Promise<void> {
  return new Promise((acquired, failed) => {
    navigator.locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          failed(new Error(`life lock "${name}" is held by another thread`));
          return;
        }
        acquired();
        // Held until this thread is terminated.
        return new Promise<void>(() => {});
      })
      .catch(failed);
  });
}

export function createAgentRuntime(agents: readonly ResolvedAgent[], deps: RuntimeDeps = {}): AgentWorkerApi {
  const ids = new Set<string>();
  for (const a of agents) {
    if (ids.has(a.id)) throw new AgentDefinitionError(`two agents have the id "${a.id}"`);
    ids.add(a.id);
  }
  const clock = deps.clock ?? systemClock;
  const hold = deps.holdLock ?? holdWebLock;
  const lockTaken = deps.lifeLock ? hold(deps.lifeLock) : null;
  // Reported by start(); never an unhandled rejection before that.
  lockTaken?.catch(() => {});
  const runners = new Map<string, AgentRunner>();
  /** Deliveries that arrived before start finished loading. */
  let early: Delivery[] | null = [];
  let db: SentioDb | null = null;

  function route(batch: readonly Delivery[]): void {
    const byAgent = new Map<string, Delivery[]>();
    for (const d of batch) {
      const list = byAgent.get(d.agentId);
      if (list) list.push(d);
      else byAgent.set(d.agentId, [d]);
    }
    for (const [id, list] of byAgent) {
      const r = runners.get(id);
      if (!r) throw new UnknownAgentError(id);
      r.enqueue(list);
    }
  }

  return {
    async start(options: StartOptions, host: HostCallbacks): Promise<StartResult> {
      try {
        if (lockTaken && deps.lifeLock === options.lifeLock) await lockTaken;
        else await hold(options.lifeLock);
        const factory = options.storageBucket ? await bucketIndexedDb(options.storageBucket) : undefined;
        db = (deps.openDb ?? openDatabase)(options.dbName, factory);
        const store = createDurableStore(db, clock.now);
        let memory: EpisodicMemory | null = null;
        const memoryOf = (): EpisodicMemory =>
          (memory ??= createEpisodicMemory(
            db!,
            (deps.embeddings ?? ((url) => createUseLiteProvider(url ? { baseUrl: url } : {})))(
              options.embeddingsUrl,
            ),
          ));
        const loaded = [];
        const fresh = (def: ResolvedAgent) => ({
          agent: freshAgent(def.initialState, def.stateVersion),
          pending: [],
          watermark: -1,
        });
        for (const def of agents) {
          let failure: ErrorData | null = null;
          let load: Awaited<ReturnType<typeof store.load>>;
          try {
            load = def.durable
              ? await store.load(def.id, def.initialState, def.stateVersion, def.migrate)
              : fresh(def);
          } catch (e) {
            // One agent whose state cannot be loaded (a failed migration, say) must not stop the others: it
            // stays in error, its events wait in its inbox for fixed code.
            failure = toAgentErrorData(e);
            load = fresh(def);
            host.log(def.id, 'could not load state; agent disabled', failure);
          }
          const { agent, pending, watermark } = load;
          const runner = new AgentRunner(
            def,
            agent,
            watermark,
            {
              store: def.durable ? store : null,
              memory: memoryOf,
              host,
              clock,
              groupCommit: options.groupCommit ?? 64,
              reportSettled: options.reportSettled === true,
            },
            failure,
          );
          runners.set(def.id, runner);
          loaded.push({ runner, pending });
          if (agent.migratedFrom !== null)
            host.log(def.id, `state migrated from version ${agent.migratedFrom} to ${def.stateVersion}`);
        }
        for (const { runner, pending } of loaded) runner.enqueue(pending, true);
        const held = early ?? [];
        early = null;
        route(held);
        return {
          ok: true,
          agents: agents.map((a) => ({ id: a.id, subscriptions: a.subscriptions, durable: a.durable })),
        };
      } catch (e) {
        return { ok: false, error: toAgentErrorData(e) };
      }
    },

    deliver(batch: Delivery[]): void {
      if (early) early.push(...batch);
      else route(batch);
    },

    inspect() {
      return [...runners.values()].map((r) => r.snapshot());
    },

    async stop(): Promise<void> {
      await Promise.all([...runners.values()].map((r) => r.stop()));
      db?.close();
    },
  };
}
