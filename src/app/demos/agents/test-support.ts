// Runs one demo agent in Node the way the app's worker runs it: the project's own agent runtime
// (createAgentRuntime) over IndexedDB (the caller imports fake-indexeddb/auto), with host callbacks that
// record what the agent asked for. Tests then check the published results, tool calls and state.
import type { Privacy, SentioEvent, ResolvedAgent, AgentAction, InferFn } from '../../../index';
import { createIdGenerator } from '../../../events/id';
import { openDatabase } from '../../../storage/db';
import { createDurableStore } from '../../../agents/durable-store';
import type { FailureReport, HostCallbacks } from '../../../agents/protocol';
import { createAgentRuntime } from '../../../agents/runtime';
import { PUBLISH_ACTION, readPublishRequest, type PublishRequest } from './labelled-publish';

const ids = createIdGenerator();

export function event(
  topic: string,
  payload: unknown,
  o: { ts?: number; privacy?: Privacy } = {},
): SentioEvent {
  return {
    id: ids.next(),
    topic,
    type: topic,
    ts: o.ts ?? Date.now(),
    source: 'test',
    privacy: o.privacy ?? 'local',
    qos: 'batched',
    payload,
  } as SentioEvent;
}

export interface InferCall {
  task: string;
  input: unknown;
  options: Record<string, unknown> | undefined;
}

export async function startAgent<S>(def: ResolvedAgent<S>, o: { infer?: InferFn; dbName?: string } = {}) {
  /** Pass the `dbName` of an earlier run to start where it left off (a reload). */
  const dbName = o.dbName ?? `demo-agent-${Date.now()}-${Math.random()}`;
  const actions: AgentAction[] = [];
  const failures: FailureReport[] = [];
  const inferCalls: InferCall[] = [];
  const host: HostCallbacks = {
    committed: (a) => void actions.push(...a),
    failed: (f) => void failures.push(f),
    infer(_agentId, task, input, options) {
      inferCalls.push({ task, input, options });
      if (!o.infer) return Promise.reject(new Error('no inference engine is configured for agents'));
      return o.infer(task, input, options);
    },
    log: () => {},
  };
  const agent = def as ResolvedAgent;
  const runtime = createAgentRuntime([agent], { holdLock: async () => {} });
  const started = await runtime.start({ dbName, lifeLock: 'test' }, host);
  if (!started.ok) throw new Error(`agent did not start: ${started.error.message}`);
  const store = createDurableStore(openDatabase(dbName));
  let seq = 0;
  const snapshot = () => runtime.inspect()[0]!;

  return {
    dbName,
    actions,
    failures,
    inferCalls,
    snapshot,
    state: () => snapshot().state as S,
    /** Delivers events the way the host does and resolves once they are handled and committed. */
    async send(...events: SentioEvent[]): Promise<void> {
      const s = snapshot();
      const target = s.processed + s.deadLettered + events.length;
      if (agent.durable)
        runtime.deliver(await store.accept(events.map((e) => ({ agentId: def.id, event: e }))));
      else runtime.deliver(events.map((e) => ({ agentId: def.id, seq: ++seq, event: e })));
      for (let i = 0; i < 2000; i++) {
        const now = snapshot();
        if (now.processed + now.deadLettered >= target && now.status === 'idle') return;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(
        `agent "${def.id}" did not handle ${events.length} event(s): ${JSON.stringify(snapshot())}`,
      );
    },
    /** What the agent published through the labelled-publish action, optionally on one topic. */
    published(topic?: string): PublishRequest[] {
      return actions
        .filter((a) => a.kind === PUBLISH_ACTION)
        .map((a) => readPublishRequest(a.payload))
        .filter((p) => topic === undefined || p.topic === topic);
    },
    stop: () => runtime.stop(),
  };
}
