// The inference scheduler: at most `limit` inference calls in flight across all agents. Waiting calls are
// started by priority class (system degradation > resource alerts > agent errors > normal) and, within a
// class, round-robin between agents so that one chatty agent cannot starve the others.
import { INFER_PRIORITIES, type InferPriority } from './types';

interface Waiting {
  start: () => void;
}

export interface SchedulerStats {
  limit: number;
  inFlight: number;
  /** The most ever in flight at once (what the concurrency test checks). */
  maxInFlight: number;
  queued: number;
  started: Record<InferPriority, number>;
}

export interface InferenceScheduler {
  run<T>(agentId: string, priority: InferPriority, call: () => Promise<T>): Promise<T>;
  stats(): SchedulerStats;
}

export function createInferenceScheduler(limit: number): InferenceScheduler {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`inference concurrency limit must be a whole number ≥ 1 (got ${limit})`);
  // Per class: agent id → its waiting calls, in insertion order; Map order is the round-robin order.
  const queues = new Map<InferPriority, Map<string, Waiting[]>>(
    INFER_PRIORITIES.map((p) => [p, new Map<string, Waiting[]>()]),
  );
  const started = Object.fromEntries(INFER_PRIORITIES.map((p) => [p, 0])) as Record<InferPriority, number>;
  let inFlight = 0;
  let maxInFlight = 0;
  let queued = 0;

  function next(): Waiting | undefined {
    for (const p of INFER_PRIORITIES) {
      const byAgent = queues.get(p)!;
      for (const [agent, list] of byAgent) {
        const w = list.shift()!;
        // Move this agent to the back of the rotation (or drop it when it has nothing left).
        byAgent.delete(agent);
        if (list.length) byAgent.set(agent, list);
        started[p]++;
        return w;
      }
    }
    return undefined;
  }

  function pump(): void {
    while (inFlight < limit) {
      const w = next();
      if (!w) return;
      queued--;
      w.start();
    }
  }

  return {
    run<T>(agentId: string, priority: InferPriority, call: () => Promise<T>): Promise<T> {
      const byAgent = queues.get(priority);
      if (!byAgent) throw new RangeError(`unknown inference priority "${String(priority)}"`);
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          inFlight++;
          if (inFlight > maxInFlight) maxInFlight = inFlight;
          let p: Promise<T>;
          try {
            p = call();
          } catch (e) {
            p = Promise.reject(e as Error);
          }
          p.then(resolve, reject).finally(() => {
            inFlight--;
            pump();
          });
        };
        const list = byAgent.get(agentId);
        if (list) list.push({ start });
        else byAgent.set(agentId, [{ start }]);
        queued++;
        pump();
      });
    },
    stats: () => ({ limit, inFlight, maxInFlight, queued, started: { ...started } }),
  };
}
