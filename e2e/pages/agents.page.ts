// Test page of e2e/agents.spec.ts: a real agent host (page side) with a real agent worker, a real local
// bus with an IndexedDB spill, and sinks that record what the actuators were asked to do.
import { createLocalBus, type LocalBus } from '../../src/bus/local-bus';
import { createSpillStore } from '../../src/bus/spill-store';
import { createAgentHost, type AgentHost, type HostSnapshot } from '../../src/agents/host';
import { deadLetterTopic } from '../../src/agents/protocol';
import type { AgentAction } from '../../src/agents/types';
import { openDatabase } from '../../src/storage/db';
import type { SentioEvent } from '../../src/events/event';
import { createIdGenerator } from '../../src/events/id';
import { counterActionKeys, counterStep, type CounterState } from './test-agents';

export interface StartOptions {
  dbName: string;
  variant?: string;
  inferenceLimit?: number;
  groupCommit?: number;
  /** Keep the agents' database in this Storage Bucket (the test opens it first, with its quota). */
  storageBucket?: string;
  /**
   * How long a spawned worker may take to hold its life lock (SupervisorOptions.startTimeoutMs). Default the
   * product's 10 s: this worker's bundle carries the USE-lite model code, and on a loaded machine it took over
   * a second to load. The crash test shortens it: a worker it kills before the lock is found only this way.
   */
  workerStartTimeoutMs?: number;
}

const sink = new Map<string, number>();
const alerts: AgentAction[] = [];
const deadLetters: SentioEvent[] = [];
const errorsSeen: SentioEvent[] = [];
let inFlight = 0;
let maxInFlight = 0;
let inferCalls = 0;
/** While set, every infer call waits for it: a test holds a handler mid-event to change the world under it. */
let inferHeld: Promise<void> | null = null;
let releaseInfer: (() => void) | null = null;
let host: AgentHost | null = null;
let bus: LocalBus | null = null;
let crashes = 0;
let crashReports = 0;
const killed = new WeakSet<Worker>();
const ids = createIdGenerator();

const api = {
  async start(o: StartOptions): Promise<string[]> {
    const db = openDatabase(o.dbName);
    bus = createLocalBus({ name: 'e2e', spill: createSpillStore(db) });
    bus.subscribe('agent.*.deadletter', (e) => void deadLetters.push(e));
    bus.subscribe('agent.*.error', (e) => void errorsSeen.push(e));
    bus.subscribe('agents.worker.crashed', () => void crashReports++);
    const variant = o.variant ?? 'v1';
    host = createAgentHost({
      dbName: o.dbName,
      bus,
      spawnWorker: (name) =>
        variant === 'v2'
          ? new Worker(new URL('./agents-test-v2.worker.ts', import.meta.url), { type: 'module', name })
          : new Worker(new URL('./agents-test.worker.ts', import.meta.url), { type: 'module', name }),
      actuators: {
        count: (a) => void sink.set(a.key, (sink.get(a.key) ?? 0) + 1),
        'flaky-ok': () => {},
        alert: (a) => void alerts.push(a),
      },
      async infer(task, input) {
        inferCalls++;
        if (inferHeld) await inferHeld;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return { task, input };
      },
      inferenceLimit: o.inferenceLimit ?? 2,
      restartBackoff: { baseMs: 5, maxMs: 50 },
      ...(o.workerStartTimeoutMs !== undefined ? { workerStartTimeoutMs: o.workerStartTimeoutMs } : {}),
      ...(o.groupCommit !== undefined ? { groupCommit: o.groupCommit } : {}),
      ...(o.storageBucket !== undefined ? { storageBucket: o.storageBucket } : {}),
      onSupervisorEvent: (e) => {
        if (e.type === 'crashed') crashes++;
      },
    });
    await host.start();
    document.getElementById('status')!.textContent = 'host started';
    return host.agents().map((a) => a.id);
  },

  publish(
    topic: string,
    payloads: unknown[],
    options: { priority?: number; qos?: 'realtime' | 'batched' | 'background' } = {},
  ): string[] {
    return payloads.map((p) => bus!.publish(topic, p, options).id);
  },

  /** Straight into an agent's inbox (what the bus subscription does), in one transaction. */
  async ingest(
    agentId: string,
    topic: string,
    payloads: unknown[],
    options: { priority?: number; qos?: 'realtime' | 'batched' | 'background' } = {},
  ) {
    const events = payloads.map((payload): SentioEvent => ({
      id: ids.next(),
      type: topic,
      topic,
      ts: Date.now(),
      source: 'e2e',
      privacy: 'private',
      qos: options.qos ?? 'batched',
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      payload,
    }));
    await host!.ingest(agentId, events);
    return events.map((e) => e.id);
  },

  holdInfer(): void {
    inferHeld ??= new Promise<void>((r) => (releaseInfer = r));
  },

  releaseInfer(): void {
    releaseInfer?.();
    inferHeld = releaseInfer = null;
  },

  /** Opens Storage Bucket `name` with a quota (bytes); its usage and quota as the browser reports them. */
  async openBucket(name: string, quota: number) {
    const buckets = (navigator as unknown as { storageBuckets: StorageBuckets }).storageBuckets;
    const bucket = await buckets.open(name, { quota });
    return bucket.estimate();
  },

  /**
   * Fills the bucket with a ballast database of random (incompressible) bytes, in ever smaller chunks, until
   * even a 64-byte write is refused: the disk is full for real, for an inbox write and a commit alike. Returns
   * the refusal's name, the bytes written and the bucket's estimate.
   */
  async fillBucket(name: string) {
    const bucket = await (navigator as unknown as { storageBuckets: StorageBuckets }).storageBuckets.open(
      name,
    );
    const db = await new Promise<IDBDatabase>((ok, no) => {
      const r = bucket.indexedDB.open('ballast', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('b');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => no(r.error);
    });
    let written = 0;
    let refused: string | null = null;
    let key = 0;
    for (const size of [64 * 1024, 4096, 512, 64]) {
      for (let i = 0; i < 1000; i++) {
        const chunk = crypto.getRandomValues(new Uint8Array(size));
        const error = await new Promise<string | null>((done) => {
          const tx = db.transaction('b', 'readwrite');
          tx.objectStore('b').put(chunk, key++);
          tx.oncomplete = () => done(null);
          tx.onabort = () => done(tx.error?.name ?? 'AbortError');
        });
        if (error) {
          refused = error;
          break;
        }
        written += size;
      }
    }
    db.close();
    return { refused, written, estimate: await bucket.estimate() };
  },

  /** Deletes the ballast database: the space is back. */
  async emptyBucket(name: string) {
    const bucket = await (navigator as unknown as { storageBuckets: StorageBuckets }).storageBuckets.open(
      name,
    );
    await new Promise<void>((ok, no) => {
      const r = bucket.indexedDB.deleteDatabase('ballast');
      r.onsuccess = () => ok();
      r.onerror = () => no(r.error);
    });
    return bucket.estimate();
  },

  async inspect(): Promise<HostSnapshot> {
    return host!.inspect();
  },

  /** The bus's subscriptions as it counts them (delivered, errors, redelivered, backlog). */
  subscriptionStats() {
    return bus!.stats().subscriptions;
  },

  async agent(id: string) {
    const snap = await host!.inspect();
    return snap.agents.find((a) => a.id === id) ?? null;
  },

  /** Terminates the live agent worker; false when there is none or it was already killed. */
  kill(): boolean {
    const w = host?.currentWorker();
    if (!w || killed.has(w)) return false;
    killed.add(w);
    w.terminate();
    return true;
  },

  async stop(): Promise<void> {
    await host?.stop();
    bus?.close();
    host = null;
  },

  sinkReport() {
    let dupes = 0;
    for (const n of sink.values()) if (n !== 1) dupes++;
    return {
      keys: [...sink.keys()],
      distinct: sink.size,
      total: [...sink.values()].reduce((a, b) => a + b, 0),
      dupes,
    };
  },

  expectedCounter(ns: number[], ids: string[]) {
    let s: CounterState = { count: 0, sum: 0, hash: 0 };
    const keys: string[] = [];
    ns.forEach((n, i) => {
      s = counterStep(s, n);
      keys.push(...counterActionKeys(ids[i]!, n));
    });
    return { state: s, keys };
  },

  observed() {
    return {
      crashes,
      crashReports,
      deadLetters: deadLetters.map((e) => ({ topic: e.topic, payload: e.payload })),
      errors: errorsSeen.map((e) => e.payload),
      alerts: alerts.map((a) => a.payload),
      inferCalls,
      maxInFlight,
      deadLetterTopic: deadLetterTopic('flaky'),
    };
  },

  async actionKeys(dbName: string, agentId: string): Promise<string[]> {
    const db = openDatabase(dbName);
    const keys = (await db.actions.where('agentId').equals(agentId).primaryKeys()) as string[];
    db.close();
    return keys;
  },

  async memoryRows(agentId: string, dbName: string) {
    const db = openDatabase(dbName);
    const rows = await db.memories.where('agentId').equals(agentId).toArray();
    db.close();
    return rows.map((r) => ({ text: r.text, pinned: r.pinned, dims: r.embedding.length }));
  },
};

/** The Storage Buckets API as this page uses it (the DOM typings lack it). */
interface StorageBuckets {
  open(
    name: string,
    options?: { quota?: number },
  ): Promise<{ indexedDB: IDBFactory; estimate(): Promise<StorageEstimate> }>;
}

declare global {
  interface Window {
    agentsTest: typeof api;
  }
}
window.agentsTest = api;
document.getElementById('status')!.textContent = 'ready';
