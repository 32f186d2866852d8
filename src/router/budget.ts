// Cost caps per agent and global, per day and per session. Spending is recorded after each cloud call; the
// policy asks how much is left before it sends one.

export interface BudgetCaps {
  globalPerDay: number;
  globalPerSession: number;
  perAgentPerDay: number;
  perAgentPerSession: number;
}

export interface Budget {
  remaining(agentId: string): number;
  spend(agentId: string, cost: number): void;
  spent(): { day: number; session: number };
}

const DAY_MS = 86_400_000;

export function createBudget(caps: BudgetCaps, now: () => number = Date.now): Budget {
  let dayIndex = Math.floor(now() / DAY_MS);
  let globalDay = 0;
  let globalSession = 0;
  const agentDay = new Map<string, number>();
  const agentSession = new Map<string, number>();

  function roll(): void {
    const d = Math.floor(now() / DAY_MS);
    if (d !== dayIndex) {
      dayIndex = d;
      globalDay = 0;
      agentDay.clear();
    }
  }

  return {
    remaining(agentId) {
      roll();
      return Math.max(
        0,
        Math.min(
          caps.globalPerDay - globalDay,
          caps.globalPerSession - globalSession,
          caps.perAgentPerDay - (agentDay.get(agentId) ?? 0),
          caps.perAgentPerSession - (agentSession.get(agentId) ?? 0),
        ),
      );
    },
    spend(agentId, cost) {
      if (!(cost >= 0)) throw new RangeError(`cost must be a non-negative number, got ${cost}`);
      roll();
      globalDay += cost;
      globalSession += cost;
      agentDay.set(agentId, (agentDay.get(agentId) ?? 0) + cost);
      agentSession.set(agentId, (agentSession.get(agentId) ?? 0) + cost);
    },
    spent: () => ({ day: globalDay, session: globalSession }),
  };
}
