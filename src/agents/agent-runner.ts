// Runs one agent: takes events from its mailbox one at a time, gives the handler a private copy of the
// state, times it out, retries failures with backoff, dead-letters what keeps failing, and commits results
// in groups. Nothing the handler asks for (actions, emits, memories) escapes before its commit.
import type { MemoryRow } from '../storage/db';
import { backoffDelay, type BackoffPolicy } from '../platform/backoff';
import { sleep, type Clock } from '../platform/clock';
import { advanceWindow, windowView } from './context-window';
import type { ResolvedAgent } from './define';
import type { CommitBatch, DurableStore, InboxEntry, LoadedAgent } from './durable-store';
import { isQuotaError } from '../storage/quota-error';
import { HandlerTimeoutError, toAgentErrorData } from './errors';
import { Mailbox, type MailboxEntry } from './mailbox';
import type { EpisodicMemory } from './memory/episodic-memory';
import type { SentioEvent, TraceContext } from '../events/event';
import { createIdGenerator } from '../events/id';
import { deadLetterTopic, type HostCallbacks, type SettledEvent } from './protocol';
import type { AgentAction, AgentContext, AgentSnapshot, AgentStatus, WindowEntry } from './types';
import type { ErrorData } from '../platform/error-data';
import { SettledSeqs } from './settled-seqs';

export interface RunnerDeps {
  store: DurableStore | null;
  memory: () => EpisodicMemory;
  host: HostCallbacks;
  clock: Clock;
  groupCommit: number;
  /** Call host.settled after each commit (the host traces the agent stage). */
  reportSettled?: boolean;
}

type Outcome =
  | { ok: true; state: unknown; window: WindowEntry[]; actions: AgentAction[]; memories: MemoryRow[] }
  | { ok: false; error: ErrorData };

function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const h = clock.setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clock.clearTimeout(h);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(h);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as { then?: unknown } | null)?.then === 'function';

interface Staged {
  seqs: number[];
  actions: AgentAction[];
  memories: MemoryRow[];
  settled: SettledEvent[];
}

/** Between attempts of a commit refused for lack of space: soon at first, then every 5 s at most. */
const COMMIT_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 5000 };

const emptyStaged = (): Staged => ({ seqs: [], actions: [], memories: [], settled: [] });

/** Spread into an action: the causing event's trace, when it has one. */
const traceOf = (trace: TraceContext | undefined) => (trace ? { trace } : {});

export class AgentRunner {
  private readonly mailbox: Mailbox;
  /** Ids for what committed actions publish (AgentAction.publishId). */
  private readonly ids = createIdGenerator();
  private state: unknown;
  private window: WindowEntry[];
  private lastEventId: string;
  private processed: number;
  private status: AgentStatus = 'idle';
  private failed = 0;
  private deadLettered = 0;
  private timedOut = 0;
  private lastError: ErrorData | null = null;
  private draining: Promise<void> | null = null;
  /** Ends the wait before a commit retry at once (on stop). */
  private wake: (() => void) | null = null;
  private stopped = false;
  private staged: Staged = emptyStaged();
  private stagedCount = 0;
  private readonly settled: SettledSeqs;
  private commitId: number;

  constructor(
    readonly def: ResolvedAgent,
    loaded: LoadedAgent,
    private readonly watermark: number,
    private readonly deps: RunnerDeps,
    /** Set when the agent's state could not be loaded: the runner stays in error and takes no events. */
    private readonly loadFailure: ErrorData | null = null,
  ) {
    if (loadFailure) {
      this.status = 'error';
      this.lastError = loadFailure;
      this.stopped = true;
    }
    this.mailbox = new Mailbox(def.mailboxCapacity);
    this.state = loaded.state;
    this.window = loaded.window;
    this.lastEventId = loaded.lastEventId;
    this.processed = loaded.processed;
    this.settled = new SettledSeqs(loaded);
    this.commitId = loaded.commitId;
  }

  /**
   * Accepts entries. Forwards arrive in inbox order after the load, so one at or below the load watermark was
   * covered by the load, and one at or below the highest seq seen is a copy: either way it is not run again.
   */
  enqueue(entries: readonly InboxEntry[], fromLoad = false): void {
    if (this.loadFailure) return;
    for (const e of entries) {
      if (!fromLoad && (e.seq <= this.watermark || this.settled.seen(e.seq))) continue;
      if (!this.mailbox.push(e satisfies MailboxEntry).accepted) continue;
      this.settled.arrived(e.seq);
    }
    if (this.mailbox.size && !this.draining && !this.stopped) {
      this.draining = this.drain().finally(() => (this.draining = null));
    }
  }

  snapshot(): AgentSnapshot {
    return {
      id: this.def.id,
      status: this.status,
      state: this.state,
      stateVersion: this.def.stateVersion,
      mailboxDepth: this.mailbox.size,
      dropped: this.mailbox.droppedCount,
      processed: this.processed,
      failed: this.failed,
      deadLettered: this.deadLettered,
      timedOut: this.timedOut,
      lastError: this.lastError,
      lastEventId: this.lastEventId,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.draining;
    if (!this.loadFailure) this.status = 'stopped';
  }

  private async drain(): Promise<void> {
    while (this.mailbox.size && !this.stopped) {
      const entry = this.mailbox.shift()!;
      this.status = 'busy';
      const outcome = await this.handle(entry);
      this.stage(entry, outcome);
      if (this.stagedCount >= this.deps.groupCommit || this.mailbox.size === 0) {
        if (!(await this.commitStaged())) return;
      }
    }
    if (!this.stopped) this.status = 'idle';
  }

  /**
   * Commits what is staged. A full disk is transient (the person frees space, the browser evicts caches), so
   * a quota error is retried with backoff, the staged results and the mailbox kept, until it goes through or
   * the runner stops. Any other commit error stops the agent: the inbox still holds its events, and a
   * restarted worker replays them from the last commit. Resolves false when the runner stopped.
   */
  private async commitStaged(): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.flush();
        if (attempt > 1) this.deps.host.log(this.def.id, `commit went through after ${attempt} attempts`);
        return true;
      } catch (e) {
        this.lastError = toAgentErrorData(e);
        this.status = 'error';
        if (!isQuotaError(e)) {
          this.stopped = true;
          this.deps.host.log(this.def.id, 'commit failed; agent stopped until restart', this.lastError);
          return false;
        }
        const delay = backoffDelay(attempt, COMMIT_RETRY);
        if (attempt === 1)
          this.deps.host.log(this.def.id, 'storage is full; retrying the commit', this.lastError);
        await new Promise<void>((resolve) => {
          const h = this.deps.clock.setTimeout(() => ((this.wake = null), resolve()), delay);
          this.wake = () => (this.deps.clock.clearTimeout(h), resolve());
        });
        this.wake = null;
        if (this.stopped) return false;
        this.status = 'busy';
      }
    }
  }

  private async handle(entry: MailboxEntry): Promise<Outcome> {
    const { event } = entry;
    const def = this.def;
    let lastError: ErrorData = { name: 'Error', message: 'not attempted' };
    for (let attempt = 1; attempt <= def.maxAttempts; attempt++) {
      const scope = { live: true, actions: [] as AgentAction[], memories: [] as MemoryRow[] };
      // A primitive state is immutable: only an object needs its private copy.
      const s = this.state;
      const primitive = s === null || (typeof s !== 'object' && typeof s !== 'function');
      const holder = { state: primitive ? s : structuredClone(s) };
      const window = advanceWindow(this.window, event, def.window);
      const ctx = this.context(event, attempt, holder, window, scope);
      try {
        // Only a handler that returned a promise can overrun its time: a synchronous one has finished (a
        // timer could not interrupt it anyway), so it costs no timer and no extra turn of the event loop.
        const running: unknown = def.on(event, ctx);
        if (isThenable(running))
          await withTimeout(
            Promise.resolve(running),
            def.timeoutMs,
            this.deps.clock,
            () => new HandlerTimeoutError(def.id, event.id, def.timeoutMs),
          );
        scope.live = false;
        return { ok: true, state: holder.state, window, actions: scope.actions, memories: scope.memories };
      } catch (e) {
        // A hung handler may still run: its context goes dead so nothing it does later counts.
        scope.live = false;
        const timedOut = e instanceof HandlerTimeoutError;
        this.failed++;
        if (timedOut) this.timedOut++;
        lastError = toAgentErrorData(e);
        this.lastError = lastError;
        const willRetry = attempt < def.maxAttempts;
        this.deps.host.failed({
          agentId: def.id,
          eventId: event.id,
          attempt,
          error: lastError,
          timedOut,
          willRetry,
        });
        if (willRetry) {
          this.status = 'backoff';
          await sleep(this.deps.clock, backoffDelay(attempt, def.retry));
          this.status = 'busy';
        }
      }
    }
    return { ok: false, error: lastError };
  }

  private context(
    cause: Pick<SentioEvent, 'id' | 'trace' | 'privacy'>,
    attempt: number,
    holder: { state: unknown },
    window: WindowEntry[],
    scope: { live: boolean; actions: AgentAction[]; memories: MemoryRow[] },
  ): AgentContext<unknown> {
    const def = this.def;
    const deps = this.deps;
    const { id: eventId, trace, privacy } = cause;
    let index = 0;
    const guard = (what: string) => {
      if (!scope.live)
        throw new Error(`agent "${def.id}": ${what} after the handler's attempt ended (ignored)`);
    };
    const action = (kind: string, payload: unknown): void => {
      guard(kind);
      scope.actions.push({
        key: actionKey(def.id, eventId, index++),
        agentId: def.id,
        eventId,
        kind,
        payload,
        privacy,
        publishId: this.ids.next(),
        ...traceOf(trace),
      });
    };
    return {
      agentId: def.id,
      get state() {
        return holder.state;
      },
      set state(s) {
        holder.state = s;
      },
      window: windowView(window),
      attempt,
      memory: {
        remember: async (text, o = {}) => {
          guard('remember');
          const id = `${def.id}:${eventId}:m${scope.memories.length}`;
          const row = await deps.memory().episode(def.id, id, text, {
            importance: o.importance ?? 0.5,
            pinned: o.pinned ?? false,
            ttlMs: o.ttlMs ?? def.memory.ttlMs,
            now: deps.clock.now(),
            data: o.data,
          });
          guard('remember');
          scope.memories.push(row);
          return id;
        },
        recall: (query, k = 5) =>
          deps
            .memory()
            .recall(def.id, query, k, deps.clock.now(), [...this.staged.memories, ...scope.memories]),
      },
      infer: (task, input, options) => {
        guard('infer');
        // What the handler derives from its cause keeps the cause's label unless it says otherwise: a call
        // made while handling a `local` event must not go out under the Settings default.
        const labelled = options?.privacy === undefined ? { ...options, privacy } : options;
        return deps.host.infer(def.id, task, input, labelled);
      },
      act: (kind, payload) => action(kind, payload),
      emit: (topic, payload) => action('emit', { topic, payload }),
      log: (message, data) => deps.host.log(def.id, message, data),
    };
  }

  private stage(entry: MailboxEntry, outcome: Outcome): void {
    const id = entry.event.id;
    if (outcome.ok) {
      this.state = outcome.state;
      this.window = outcome.window;
      this.lastEventId = id;
      this.processed++;
      this.staged.actions.push(...outcome.actions);
      this.staged.memories.push(...outcome.memories);
    } else {
      this.deadLettered++;
      this.staged.actions.push({
        key: actionKey(this.def.id, id, 'dead-letter'),
        agentId: this.def.id,
        eventId: id,
        kind: 'emit',
        privacy: entry.event.privacy,
        publishId: this.ids.next(),
        payload: {
          topic: deadLetterTopic(this.def.id),
          payload: { event: entry.event, error: outcome.error },
        },
        ...traceOf(entry.event.trace),
      });
    }
    if (this.deps.reportSettled) this.staged.settled.push({ eventId: id, ok: outcome.ok });
    this.settled.settle(entry.seq);
    this.staged.seqs.push(entry.seq);
    this.stagedCount++;
  }

  private async flush(): Promise<void> {
    const mark = this.settled.mark(this.staged.seqs);
    const batch: CommitBatch = {
      agentId: this.def.id,
      stateVersion: this.def.stateVersion,
      state: this.state,
      window: this.window,
      lastEventId: this.lastEventId,
      processed: this.processed,
      ...mark,
      expectedCommitId: this.commitId,
      actions: this.staged.actions,
      memories: this.staged.memories,
    };
    if (this.deps.store && this.def.durable) this.commitId = await this.deps.store.commit(batch);
    this.settled.committed(mark);
    const settled = this.staged.settled;
    this.staged = emptyStaged();
    this.stagedCount = 0;
    // Settled first: the host ends each event's agent span before the actions it caused begin theirs.
    if (settled.length) this.deps.host.settled?.(this.def.id, settled);
    if (batch.actions.length) this.deps.host.committed(batch.actions);
    if (batch.memories.length)
      await this.deps.memory().evict(this.def.id, this.deps.clock.now(), this.def.memory);
  }
}

/**
 * Agent, event and position: the same event always yields the same keys in one agent (a replay can never
 * repeat an action), and two agents acting on one event never share a key (neither's action is lost).
 */
export function actionKey(agentId: string, eventId: string, index: number | 'dead-letter'): string {
  return `${agentId}:${eventId}:${index}`;
}
