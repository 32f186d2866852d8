// A registry of backends with priorities and an init probe, after onnxruntime's registerBackend /
// resolveBackend: candidates are tried in priority order, each init runs once (its outcome is remembered),
// and the caller gets the backend that started together with every failure on the way, so no fallback is
// ever silent.

export interface BackendInit<H> {
  /** Starts the backend or throws why it cannot run here. */
  init(): Promise<H>;
}

export interface Attempt {
  backend: string;
  reason: string;
}

export interface Resolved<H> {
  id: string;
  handle: H;
  /** Backends tried before this one and why they failed (empty when the first choice ran). */
  fellBackFrom: readonly Attempt[];
}

export interface BackendRegistry<H> {
  register(id: string, backend: BackendInit<H>, priority: number): void;
  /**
   * Tries the candidates (all registered ones when omitted) by descending priority, or in the order given
   * when `ordered` (a caller's explicit preference).
   */
  resolve(
    candidates?: readonly string[],
    options?: { ordered?: boolean },
  ): Promise<Resolved<H> | { attempts: readonly Attempt[] }>;
  /** Forgets a started backend (a lost GPU device) so that the next resolve initialises it again. */
  reset(id: string): void;
  registered(): readonly { id: string; priority: number }[];
}

type State<H> =
  | { status: 'idle' }
  | { status: 'starting'; promise: Promise<H> }
  | { status: 'ready'; handle: H }
  | { status: 'failed'; reason: string };

export function createBackendRegistry<H>(): BackendRegistry<H> {
  const entries = new Map<string, { backend: BackendInit<H>; priority: number; state: State<H> }>();

  async function start(id: string): Promise<H> {
    const e = entries.get(id)!;
    switch (e.state.status) {
      case 'ready':
        return e.state.handle;
      case 'failed':
        throw new Error(e.state.reason);
      case 'starting':
        return e.state.promise;
      case 'idle': {
        const promise = e.backend.init();
        e.state = { status: 'starting', promise };
        try {
          const handle = await promise;
          e.state = { status: 'ready', handle };
          return handle;
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          e.state = { status: 'failed', reason };
          throw new Error(reason, { cause: err });
        }
      }
    }
  }

  return {
    register(id, backend, priority) {
      entries.set(id, { backend, priority, state: { status: 'idle' } });
    },
    async resolve(candidates, options) {
      const ids = (candidates ?? [...entries.keys()]).map((id) => ({ id, e: entries.get(id) }));
      if (!options?.ordered) ids.sort((a, b) => (b.e?.priority ?? -Infinity) - (a.e?.priority ?? -Infinity));
      const attempts: Attempt[] = [];
      for (const { id, e } of ids) {
        if (!e) {
          attempts.push({ backend: id, reason: 'not registered in this context' });
          continue;
        }
        try {
          const handle = await start(id);
          return { id, handle, fellBackFrom: attempts };
        } catch (err) {
          attempts.push({ backend: id, reason: err instanceof Error ? err.message : String(err) });
        }
      }
      return { attempts };
    },
    reset(id) {
      const e = entries.get(id);
      if (e) e.state = { status: 'idle' };
    },
    registered() {
      return [...entries].map(([id, e]) => ({ id, priority: e.priority }));
    },
  };
}
