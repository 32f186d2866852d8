// Sessions per task and backend: loaded once (concurrent first calls share the load), reused, dropped on
// release or when their backend dies. Loading walks the candidate backends until one both starts and
// accepts the model, and keeps every failure on the way so the result can say what it fell back from.
import type { Attempt, BackendRegistry } from './backends/registry';
import { BackendUnavailableError } from './errors';
import type { ModelEntry, Task } from './manifest';
import type { LoadSource } from './model-store';

export interface Loaded<S> {
  backend: string;
  threads: number | null;
  fellBackFrom: readonly Attempt[];
  model: string;
  session: S;
  loadedFrom: LoadSource;
  loadMs: number;
  dispose(): Promise<void> | void;
}

/** A caller's explicit list is tried in its order; a model's own list by registry priority. */
export interface Candidates {
  ids: readonly string[];
  ordered: boolean;
}

export type CreateSession<H, S> = (
  handle: H,
  entry: ModelEntry,
) => Promise<{ session: S; threads: number | null; source: LoadSource; dispose(): unknown }>;

export interface SessionCache {
  session<H, S>(
    task: Task,
    registry: BackendRegistry<H>,
    candidates: Candidates,
    create: CreateSession<H, S>,
  ): Promise<Loaded<S>>;
  /** True when `task` already had a session on `backend` (so a call did not load it). */
  has(task: Task, backend: string): boolean;
  /** Forgets every session on a backend (its GPU device was lost); they are not disposed, they are gone. */
  dropBackend(backend: string): void;
  release(task?: Task): Promise<void>;
  list(): { task: Task; backend: string; model: string }[];
}

const ms = (t0: number, t1: number) => Math.max(0, t1 - t0);

/** How long a failed load answers every caller with its error before one is tried again. */
export const FAILED_LOAD_MEMO_MS = 60_000;

export function createSessionCache(o: {
  now: () => number;
  modelFor: (task: Task) => ModelEntry;
  failedLoadMemoMs?: number;
}): SessionCache {
  const { now, modelFor } = o;
  const memoMs = o.failedLoadMemoMs ?? FAILED_LOAD_MEMO_MS;
  const loaded = new Map<string, Loaded<unknown>>();
  const loading = new Map<string, Promise<Loaded<unknown>>>();
  // A load that failed (a runtime file missing offline, a model that will not load) is not tried again on
  // the next frame: every caller gets the same error until the memo expires or the task is released.
  // Without this, the camera's pipelines re-requested the missing WASM a few times a second.
  const failed = new Map<string, { error: unknown; at: number }>();
  /** Candidate-list key → what it resolved to; cleared whenever a session goes. */
  const resolved = new Map<string, Loaded<unknown>>();

  /** Tries candidates until one starts and takes the model; a model file's own error ends the search. */
  async function loadOn<H, S>(
    task: Task,
    registry: BackendRegistry<H>,
    candidates: Candidates,
    create: CreateSession<H, S>,
  ): Promise<Loaded<S>> {
    const entry = modelFor(task);
    const attempts: Attempt[] = [];
    let remaining = [...candidates.ids];
    for (;;) {
      const r = await registry.resolve(remaining, { ordered: candidates.ordered });
      if (!('handle' in r)) throw new BackendUnavailableError(task, [...attempts, ...r.attempts]);
      attempts.push(...r.fellBackFrom);
      remaining = remaining.filter((c) => c !== r.id && !r.fellBackFrom.some((a) => a.backend === c));
      const key = `${task}:${r.id}`;
      const hit = loaded.get(key);
      if (hit) return { ...(hit as Loaded<S>), fellBackFrom: attempts };
      const t0 = now();
      try {
        const made = await create(r.handle, entry);
        const l: Loaded<S> = {
          backend: r.id,
          threads: made.threads,
          fellBackFrom: attempts,
          model: entry.id,
          session: made.session,
          loadedFrom: made.source,
          loadMs: ms(t0, now()),
          dispose: async () => void (await made.dispose()),
        };
        loaded.set(key, l as Loaded<unknown>);
        return l;
      } catch (err) {
        // A broken or missing model file is not the backend's fault: trying another would hide it.
        if (err instanceof Error && (err.name === 'ModelLoadError' || err.name === 'ModelQuotaError'))
          throw err;
        attempts.push({ backend: r.id, reason: err instanceof Error ? err.message : String(err) });
        if (remaining.length === 0) throw new BackendUnavailableError(task, attempts);
      }
    }
  }

  return {
    session<H, S>(
      task: Task,
      registry: BackendRegistry<H>,
      candidates: Candidates,
      create: CreateSession<H, S>,
    ) {
      const key = `${task}:${candidates.ordered ? '=' : '~'}${candidates.ids.join(',')}`;
      // Every call after the first: the session this candidate list resolved to, without walking the
      // registry again (a VAD stream asks several times a second).
      const hit = resolved.get(key);
      if (hit) return Promise.resolve(hit as Loaded<S>);
      const failure = failed.get(key);
      if (failure && now() - failure.at < memoMs) return Promise.reject(failure.error);
      let p = loading.get(key) as Promise<Loaded<S>> | undefined;
      if (!p) {
        p = loadOn(task, registry, candidates, create)
          .then(
            (l) => {
              failed.delete(key);
              // Only while the session is still loaded (a release during the load removed it).
              if (loaded.get(`${task}:${l.backend}`)?.session === l.session) resolved.set(key, l);
              return l;
            },
            (error: unknown) => {
              failed.set(key, { error, at: now() });
              throw error;
            },
          )
          .finally(() => loading.delete(key));
        loading.set(key, p as Promise<Loaded<unknown>>);
      }
      return p;
    },
    has: (task, backend) => loaded.has(`${task}:${backend}`),
    dropBackend(backend) {
      resolved.clear();
      for (const [key, l] of loaded) if (l.backend === backend) loaded.delete(key);
      failed.clear(); // the backends changed: what failed may run elsewhere now
    },
    async release(task) {
      resolved.clear();
      for (const key of [...failed.keys()]) if (!task || key.startsWith(`${task}:`)) failed.delete(key);
      for (const [key, l] of [...loaded]) {
        if (task && !key.startsWith(`${task}:`)) continue;
        loaded.delete(key);
        await l.dispose();
      }
    },
    list: () =>
      [...loaded].map(([key, l]) => ({
        task: key.split(':')[0] as Task,
        backend: l.backend,
        model: l.model,
      })),
  };
}
