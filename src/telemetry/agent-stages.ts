// The agent and action stages of a trace, seen from the page that hosts the agents: an event's agent span
// runs from its delivery (after the bus hop) until the worker reports its commit settled it; an action's span
// is the actuator performing it, the last stage of the chain (end-to-end latency is recorded there). The
// agent gets the event with the agent span's context, so the actions and emits it causes continue the trace.
import type { SettledEvent } from '../agents/protocol';
import type { AgentAction } from '../agents/types';
import type { SentioEvent } from '../events/event';
import { eventAttributes, type OpenStage, type StageTracer } from './stage-tracer';
import { isW3cTraceContext } from './trace-context';

/** The fields of an agent's action that tracing looks at. */
export type TracedAction = Pick<AgentAction, 'key' | 'agentId' | 'kind' | 'trace' | 'privacy'>;

export class AgentStageError extends Error {
  override name = 'AgentStageError';
}

export interface AgentStages {
  /** The event as the agent gets it: its trace continued by the bus hop and an open agent span. */
  deliver(agentId: string, event: SentioEvent): SentioEvent;
  /** Ends the agent spans of events a commit settled (dead-lettered ones with an error status). */
  settled(agentId: string, events: readonly SettledEvent[]): void;
  /** Runs an actuator as the action stage of the action's trace (untraced when the action has none). */
  perform<T>(action: TracedAction, fn: () => T | Promise<T>): Promise<T>;
  /** Agent spans still waiting for their commit. */
  open(): number;
}

/**
 * `maxOpen` bounds the spans waiting for a commit (a worker that dies loses its reports; the restarted one
 * settles the replayed events again, but a lost event must not leak): past it the oldest is ended as failed.
 */
export function createAgentStages(tracer: StageTracer, maxOpen = 4096): AgentStages {
  const waiting = new Map<string, OpenStage>();
  const keyOf = (agentId: string, eventId: string) => `${agentId}\n${eventId}`;

  return {
    deliver(agentId, event) {
      if (!isW3cTraceContext(event.trace)) return event;
      const key = keyOf(agentId, event.id);
      const already = waiting.get(key);
      // A redelivery of an event still being handled: it stays in the span it is in.
      if (already) return { ...event, trace: already.trace };
      const hop = tracer.busHop(event);
      const stage = tracer.begin('agent', agentId, hop.trace, {
        attributes: { ...eventAttributes(event, tracer.revealLocalEvents), 'sentio.agent': agentId },
      });
      waiting.set(key, stage);
      if (waiting.size > maxOpen) {
        const [oldest, lost] = waiting.entries().next().value!;
        waiting.delete(oldest);
        lost.end(new AgentStageError(`no commit was reported for this event among the last ${maxOpen}`));
      }
      return { ...event, trace: stage.trace };
    },

    settled(agentId, events) {
      for (const { eventId, ok } of events) {
        const key = keyOf(agentId, eventId);
        const stage = waiting.get(key);
        if (!stage) continue;
        waiting.delete(key);
        stage.end(ok ? undefined : new AgentStageError(`agent "${agentId}" dead-lettered the event`));
      }
    },

    async perform(action, fn) {
      if (!isW3cTraceContext(action.trace)) return fn();
      // The key holds the id of the event that caused the action: a `local` event's id stays on the device
      // (an action without a label is treated as `local`, as its outbox row is).
      const local = (action.privacy ?? 'local') === 'local' && !tracer.revealLocalEvents;
      const stage = tracer.begin('action', action.kind, action.trace, {
        final: true,
        attributes: {
          'sentio.agent': action.agentId,
          'sentio.action.kind': action.kind,
          ...(local ? { 'sentio.action.privacy': 'local' } : { 'sentio.action.key': action.key }),
        },
      });
      try {
        const result = await fn();
        stage.end();
        return result;
      } catch (err) {
        stage.end(err ?? new Error('action failed'));
        throw err;
      }
    },

    open: () => waiting.size,
  };
}
