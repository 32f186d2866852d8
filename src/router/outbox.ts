// The persistent offline queue: cloud requests that could not go now wait in IndexedDB (the `outbox` table,
// keyed by idempotency key) and are delivered after reconnect. A row is deleted only after the endpoint
// acknowledged it; a retry after a lost acknowledgement reuses the key, so the endpoint can dedupe: each
// request takes effect exactly once.
import type { Privacy } from '../events/event';
import { EgressDeniedError } from '../privacy/egress-gate';
import type { OutboxRow, SentioDb } from '../storage/db';
import { backoffDelay } from '../platform/backoff';
import { CircuitOpenError } from './circuit-breaker';
import { CloudHttpError } from './cloud-client';
import type { Clock } from '../platform/clock';

export interface OutboxRequest {
  what: string;
  capability: string;
  path: string;
  privacy: Privacy;
  body: unknown;
}

export interface QueuedRequest {
  /** The idempotency key. */
  id: string;
  endpoint: string;
  request: OutboxRequest;
  attempts: number;
}

export type DeliveryOutcome =
  | { id: string; outcome: 'delivered'; attempts: number; response: unknown }
  | { id: string; outcome: 'rejected'; attempts: number; error: string };

export interface Outbox {
  enqueue(endpoint: string, request: OutboxRequest, idempotencyKey?: string): Promise<string>;
  /** Sends every due request, oldest first; stops at the first network failure (no point hammering). */
  drain(options?: { force?: boolean }): Promise<{ delivered: number; failed: number; remaining: number }>;
  pending(): Promise<number>;
  /** Drains on reconnect and whenever the next retry is due. */
  start(): void;
  stop(): void;
}

export interface OutboxDeps {
  db: SentioDb;
  clock: Clock;
  deliver: (queued: QueuedRequest) => Promise<unknown>;
  /** Network state and its changes (navigator.onLine + online/offline events in the browser). */
  network: { online(): boolean; onChange(listener: (online: boolean) => void): () => void };
  random?: () => number;
  backoff?: { baseMs: number; maxMs: number };
  newId?: () => string;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** Serialises draining across tabs (Web Locks); omitted in Node. */
  locks?: LockManager;
  /**
   * Deliver only the rows queued for this endpoint id. Rows queued for another endpoint wait for an outbox of
   * theirs (the user switched endpoints while offline): a request consented for A must not go to B.
   */
  endpoint?: string;
}

function validateRequest(r: OutboxRequest): void {
  const bad = (why: string) => {
    throw new TypeError(`outbox request: ${why}`);
  };
  if (!r || typeof r !== 'object') bad('must be an object');
  if (typeof r.path !== 'string' || !r.path) bad('"path" must be a non-empty string');
  if (typeof r.what !== 'string' || !r.what) bad('"what" must be a non-empty string');
  if (typeof r.capability !== 'string' || !r.capability) bad('"capability" must be a non-empty string');
  if (r.privacy === 'local') bad('local data is never queued for the cloud');
  if (!['private', 'public'].includes(r.privacy))
    bad(`"privacy" must be private or public, got ${String(r.privacy)}`);
}

export function createOutbox(deps: OutboxDeps): Outbox {
  const { db, clock } = deps;
  const random = deps.random ?? Math.random;
  const backoff = deps.backoff ?? { baseMs: 1000, maxMs: 30_000 };
  const newId = deps.newId ?? (() => crypto.randomUUID());
  let draining: Promise<{ delivered: number; failed: number; remaining: number }> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let unsubscribe: (() => void) | null = null;
  let running = false;

  const ours = (row: { endpoint: string }) => deps.endpoint === undefined || row.endpoint === deps.endpoint;

  async function schedule(): Promise<void> {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const next = await db.outbox.orderBy('nextAttemptAt').filter(ours).first();
    if (!next || !running) return;
    const wait = Math.max(0, next.nextAttemptAt - clock.now());
    timer = setTimeout(() => void drain(), wait);
  }

  async function drainOnce(force: boolean) {
    let delivered = 0;
    let failed = 0;
    // Oldest first; the table is indexed by nextAttemptAt, and the queue is small enough to sort here.
    const rows = (await db.outbox.filter(ours).toArray()).sort((a, b) => a.createdAt - b.createdAt);
    for (const row of rows) {
      if (!force && row.nextAttemptAt > clock.now()) continue;
      if (!deps.network.online()) break;
      const attempts = row.attempts + 1;
      const queued: QueuedRequest = {
        id: row.id,
        endpoint: row.endpoint,
        request: row.request as OutboxRequest,
        attempts,
      };
      try {
        const response = await deps.deliver(queued);
        await db.outbox.delete(row.id);
        delivered++;
        deps.onOutcome?.({ id: row.id, outcome: 'delivered', attempts, response });
      } catch (err) {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        const permanent =
          err instanceof EgressDeniedError ||
          (err instanceof CloudHttpError && err.status < 500 && err.status !== 429 && err.status !== 408);
        if (permanent) {
          // Policy said no (consent revoked while queued) or the endpoint refused the request itself:
          // retrying cannot help. The gate has audited the refusal.
          await db.outbox.delete(row.id);
          failed++;
          deps.onOutcome?.({ id: row.id, outcome: 'rejected', attempts, error: message });
          continue;
        }
        const retryAt =
          err instanceof CloudHttpError || err instanceof CircuitOpenError ? err.retryAt : undefined;
        const nextAttemptAt = retryAt ?? clock.now() + backoffDelay(attempts, { ...backoff, random });
        await db.outbox.update(row.id, { attempts, nextAttemptAt, lastError: message });
        break;
      }
    }
    return { delivered, failed, remaining: await db.outbox.filter(ours).count() };
  }

  function drain(options: { force?: boolean } = {}) {
    if (draining) return draining;
    const run = async () => {
      const body = () => drainOnce(options.force ?? false);
      return deps.locks
        ? ((await deps.locks.request('sentio.outbox', body)) as Awaited<ReturnType<typeof drainOnce>>)
        : body();
    };
    draining = run().finally(() => {
      draining = null;
      void schedule();
    });
    return draining;
  }

  return {
    async enqueue(endpoint, request, idempotencyKey) {
      validateRequest(request);
      let size: number;
      try {
        size = JSON.stringify(request.body)?.length ?? 0;
      } catch {
        throw new TypeError('outbox request: "body" must be JSON-serialisable');
      }
      if (size > 1_000_000) throw new RangeError(`outbox request body is ${size} bytes; at most 1,000,000`);
      const now = clock.now();
      const row: OutboxRow = {
        id: idempotencyKey ?? newId(),
        endpoint,
        request,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      };
      // add, not put: a second enqueue under the same key is the same request, not a new one.
      await db.outbox.add(row).catch((err: unknown) => {
        if (err instanceof Error && err.name === 'ConstraintError') return;
        throw err;
      });
      void schedule();
      return row.id;
    },
    drain,
    pending: () => db.outbox.count(),
    start() {
      if (running) return;
      running = true;
      unsubscribe = deps.network.onChange((online) => {
        if (online) void drain({ force: true });
      });
      void drain();
    },
    stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
