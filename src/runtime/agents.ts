// Starts the app's agents. One tab per origin runs them (the one holding the `sentio.agents` Web Lock);
// every other tab learns that they run elsewhere and takes over if that tab closes. The running tab answers
// `agents.inspect` on the bus, so the agents panel of any tab can show them.
import type { Bus } from '../bus/types';
import type { Privacy } from '../events/event';
import type { StageTracer } from '../telemetry/stage-tracer';
import { createAgentHost, type Actuator, type AgentHost, type HostSnapshot } from '../agents/host';
import type { AgentAction, AgentSnapshot, InferFn } from '../agents/types';

export const AGENTS_LOCK = 'sentio.agents';
export const INSPECT_TOPIC = 'agents.inspect';

export type AgentsStatus =
  { kind: 'starting' } | { kind: 'elsewhere' } | { kind: 'running' } | { kind: 'failed'; message: string };

export interface LastAction {
  kind: string;
  /** A few words: the topic published, the tool called. */
  what: string;
  at: number;
}

export interface AgentView {
  snapshot: AgentSnapshot;
  lastAction: LastAction | null;
  /** Inference calls of this agent in flight now. */
  inferring: number;
}

export interface AgentsView {
  at: number;
  agents: AgentView[];
  worker: HostSnapshot['worker'];
  actions: HostSnapshot['actions'];
  failures: number;
}

export interface StartAgentsOptions {
  bus: Bus;
  /** Traces the agent and action stages of traced events (see src/agents/host.ts). */
  tracer?: StageTracer;
  /** `ctx.infer`: the router's. Without one, agents that ask are told no engine is configured. */
  infer?: InferFn;
  /**
   * Applies a declared declassification step (src/privacy/labels.ts) an agent names in its infer options
   * (`declassify`), with the user's consent, audited; throws when it may not. Without it the label stays.
   */
  declassify?: (label: Privacy, step: string) => Promise<Privacy>;
  actuators?: Record<string, Actuator>;
  /** Where `sentio.agents` is exposed (the page's window). */
  expose?: { sentio?: object };
  /** Spawns the agent worker (a module serving agents with `serveAgents`); `name` must become its name. */
  spawnWorker: (name: string) => Worker;
  /** The Web Lock that makes the agents run in one tab per origin. Default `sentio.agents`. */
  lockName?: string;
  /** Keeps the agents' database in this Storage Bucket (see AgentHostOptions.storageBucket). */
  storageBucket?: string;
  /** The IndexedDB database the agents' state, inbox and memories are in: the runtime's. Default `"sentio"`. */
  dbName?: string;
  now?: () => number;
}

export interface AgentsRuntime {
  host: AgentHost;
  status(): AgentsStatus;
  onStatus(listener: (s: AgentsStatus) => void): () => void;
  /** The agents as the panel shows them; null unless they run in this tab. */
  inspect(): Promise<AgentsView | null>;
  stop(): Promise<void>;
}

function describe(a: AgentAction): string {
  const p = a.payload as { topic?: unknown; tool?: unknown } | null;
  if (typeof p?.tool === 'string') return p.tool;
  if (typeof p?.topic === 'string') return p.topic;
  return a.kind;
}

async function heldElsewhere(lock: string): Promise<boolean> {
  const state = await navigator.locks.query();
  return (state.held ?? []).some((l) => l.name === lock);
}

export function startAgents(o: StartAgentsOptions): AgentsRuntime {
  const now = o.now ?? Date.now;
  const lastActions = new Map<string, LastAction>();
  const inferring = new Map<string, number>();
  let status: AgentsStatus = { kind: 'starting' };
  const listeners = new Set<(s: AgentsStatus) => void>();
  const setStatus = (s: AgentsStatus) => {
    status = s;
    for (const l of listeners) l(s);
  };

  // Every action passes through here first, so the panel can say what each agent did last.
  const actuators = Object.fromEntries(
    Object.entries(o.actuators ?? {}).map(([kind, actuator]) => [
      kind,
      (a: AgentAction) => {
        lastActions.set(a.agentId, { kind, what: describe(a), at: now() });
        return actuator(a);
      },
    ]),
  );
  const infer = o.infer;
  const host = createAgentHost({
    ...(o.dbName !== undefined ? { dbName: o.dbName } : {}),
    spawnWorker: o.spawnWorker,
    bus: o.bus,
    actuators,
    ...(o.tracer ? { tracer: o.tracer } : {}),
    ...(infer
      ? {
          // Counted per agent, for the panel's "learning" state (agents pass agentId in the options).
          infer: async (task, input, options) => {
            const id = typeof options?.agentId === 'string' ? options.agentId : '';
            inferring.set(id, (inferring.get(id) ?? 0) + 1);
            try {
              const { declassify: step, ...rest } = options ?? {};
              if (typeof step === 'string' && o.declassify && typeof rest.privacy === 'string')
                rest.privacy = await o.declassify(rest.privacy as Privacy, step);
              return await cloneable(await infer(task, input, rest));
            } finally {
              inferring.set(id, (inferring.get(id) ?? 1) - 1);
            }
          },
        }
      : {}),
    lockName: o.lockName ?? AGENTS_LOCK,
    ...(o.storageBucket !== undefined ? { storageBucket: o.storageBucket } : {}),
  });

  async function inspect(): Promise<AgentsView | null> {
    if (status.kind !== 'running') return null;
    const snap = await host.inspect();
    return {
      at: now(),
      agents: snap.agents.map((snapshot) => ({
        snapshot,
        lastAction: lastActions.get(snapshot.id) ?? null,
        inferring: inferring.get(snapshot.id) ?? 0,
      })),
      worker: snap.worker,
      actions: snap.actions,
      failures: snap.failures.length,
    };
  }

  const answering = o.bus.subscribe(INSPECT_TOPIC, async (request) => {
    const view = await inspect();
    // Only the tab that runs the agents answers; the others stay quiet.
    if (view) o.bus.reply(request, view, { privacy: 'local' });
  });

  void (async () => {
    try {
      if (await heldElsewhere(o.lockName ?? AGENTS_LOCK)) setStatus({ kind: 'elsewhere' });
      await host.start();
      setStatus({ kind: 'running' });
    } catch (e) {
      setStatus({ kind: 'failed', message: (e as Error).message });
    }
  })();

  const runtime: AgentsRuntime = {
    host,
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    inspect,
    async stop() {
      answering.unsubscribe();
      await host.stop();
    },
  };
  if (o.expose) o.expose.sentio = Object.assign(o.expose.sentio ?? {}, { agents: runtime });
  return runtime;
}

/** The agents as the panel shows them, from whichever tab runs them. */
export async function requestAgentsView(bus: Bus, timeoutMs = 2000): Promise<AgentsView> {
  const reply = await bus.request<AgentsView>(INSPECT_TOPIC, {}, { timeoutMs, privacy: 'local' });
  return reply.payload;
}

/**
 * A hybrid answer's `refined` is a promise, which cannot cross to the agent's worker: the agent is handed
 * its settled value (the cloud's answer merged over the draft, or null if the cloud failed), as the router's
 * `<topic>.refined` event follows its `.draft`. Everything else passes as it is.
 */
export async function cloneable(result: unknown): Promise<unknown> {
  if (typeof result !== 'object' || result === null) return result;
  const refined = (result as { refined?: unknown }).refined;
  if (!(refined instanceof Promise)) return result;
  return { ...result, refined: await refined.catch(() => null) };
}
