// What the router panel reports about recent decisions: how often the cloud was used, and how often the cloud
// was wanted but failed or was out of reach, and where those requests went instead (local, outbox, nowhere).
import type { AttemptReport } from './cloud-client';
import type { Decision, Route } from './types';

/** A `router.decision` event's payload (src/router/router.ts). */
export interface DecisionRecord extends Decision {
  id: string;
  task: string;
  agentId: string | null;
  /** When the decision was published, ms since epoch. */
  ts: number;
}

/** Where a request went when the cloud it wanted was unavailable or failed. */
export type FallbackTarget = 'local' | 'outbox' | 'dropped';

export interface DecisionSummary {
  total: number;
  byRoute: Record<Route, number>;
  /** Decisions that went to the cloud (cloud or hybrid). */
  cloud: number;
  /** cloud / total; null before the first decision. */
  cloudShare: number | null;
  /** The cloud was needed but out of reach (offline, circuit open, slow) or its refinement failed. */
  fallbacks: Record<FallbackTarget, number>;
  /** Of the times the cloud was wanted (sent, or needed but out of reach), how often it was not had. */
  fallbackRate: number | null;
}

/** Policy codes meaning "the cloud was wanted but could not be used", by where the request went instead. */
const UNAVAILABLE: Partial<Record<Decision['code'], FallbackTarget>> = {
  'low-confidence-fallback': 'local',
  'cloud-unavailable-defer': 'outbox',
  'cloud-unavailable-drop': 'dropped',
};

/**
 * Keeps the last `capacity` decisions for display and running totals over all of them. A hybrid decision
 * whose cloud refinement failed counts as a fallback to local (its draft stood).
 */
export class DecisionLog {
  private readonly recent: DecisionRecord[] = [];
  private readonly routes: Record<Route, number> = { local: 0, cloud: 0, hybrid: 0, defer: 0, drop: 0 };
  private readonly fallbacks: Record<FallbackTarget, number> = { local: 0, outbox: 0, dropped: 0 };
  private total = 0;
  private wantedUnavailable = 0;

  constructor(private readonly capacity = 50) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
  }

  add(record: DecisionRecord): void {
    this.total++;
    this.routes[record.route]++;
    const fallback = UNAVAILABLE[record.code];
    if (fallback) {
      this.fallbacks[fallback]++;
      this.wantedUnavailable++;
    }
    this.recent.unshift(record);
    if (this.recent.length > this.capacity) this.recent.pop();
  }

  /** A hybrid's cloud refinement failed: the local draft stands. */
  refineFailed(): void {
    this.fallbacks.local++;
  }

  /** Newest first. */
  latest(): readonly DecisionRecord[] {
    return this.recent;
  }

  summary(): DecisionSummary {
    const cloud = this.routes.cloud + this.routes.hybrid;
    const failed = this.fallbacks.local + this.fallbacks.outbox + this.fallbacks.dropped;
    const wanted = cloud + this.wantedUnavailable;
    return {
      total: this.total,
      byRoute: { ...this.routes },
      cloud,
      cloudShare: this.total ? cloud / this.total : null,
      fallbacks: { ...this.fallbacks },
      fallbackRate: wanted ? failed / wanted : null,
    };
  }
}

/** Reads a `router.decision` payload; throws a TypeError naming what is missing. */
export function toDecisionRecord(payload: unknown, ts: number): DecisionRecord {
  const p = payload as Partial<DecisionRecord> | null;
  const problem =
    !p || typeof p !== 'object'
      ? 'is not an object'
      : typeof p.id !== 'string'
        ? 'has no id'
        : typeof p.route !== 'string'
          ? 'has no route'
          : typeof p.reason !== 'string'
            ? 'has no reason'
            : !p.estimates || typeof p.estimates.latencyMs !== 'number'
              ? 'has no estimates'
              : null;
  if (problem) throw new TypeError(`router.decision payload ${problem}`);
  return { ...(p as DecisionRecord), agentId: p!.agentId ?? null, ts };
}

/** Every attempt the cloud client made (src/router/cloud-client.ts onAttempt): what the endpoint did. */
export class CloudCallStats {
  ok = 0;
  /** Attempts that failed and were tried again (5xx, 429, dropped connection…). */
  retried = 0;
  /** Calls that failed for good after their attempts. */
  failed = 0;
  lastError: string | null = null;

  record(r: AttemptReport): void {
    if (r.outcome === 'ok') this.ok++;
    else if (r.outcome === 'retry') {
      this.retried++;
      this.lastError = r.error ?? (r.status ? `HTTP ${r.status}` : 'unknown error');
    } else {
      this.failed++;
      this.lastError = r.error;
    }
  }

  describe(): string {
    const base = `${this.ok} answered, ${this.retried} retried, ${this.failed} failed`;
    return this.lastError ? `${base} (last problem: ${this.lastError})` : base;
  }
}

export interface CostView {
  session: number;
  day: number;
  /** null = no cap. */
  sessionCap: number | null;
  dayCap: number | null;
}

/** "0.0123 of 1.00 this session" style lines, and whether a cap is reached. */
export function describeCost(c: CostView): { session: string; day: string; capped: boolean } {
  const line = (spent: number, cap: number | null, period: string) =>
    cap === null
      ? `${spent.toFixed(4)} this ${period} (no cap)`
      : `${spent.toFixed(4)} of ${cap.toFixed(2)} this ${period}`;
  return {
    session: line(c.session, c.sessionCap, 'session'),
    day: line(c.day, c.dayCap, 'day'),
    capped: (c.sessionCap !== null && c.session >= c.sessionCap) || (c.dayCap !== null && c.day >= c.dayCap),
  };
}

export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}
