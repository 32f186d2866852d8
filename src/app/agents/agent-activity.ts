// What each agent is doing, at a glance: idle, working, degraded or learning. Derived from two successive
// views, because a fast handler is busy for microseconds and a poll would never catch it in the act.
import type { AgentView, AgentsView } from '../../index';

export type Activity = 'idle' | 'working' | 'degraded' | 'learning';

export const ACTIVITY_TEXT: Record<Activity, string> = {
  idle: 'Idle: waiting for events',
  working: 'Working through events',
  degraded: 'Degraded: failing, backing off or restarting',
  learning: 'Learning: asking a model for a better answer',
};

export function activityOf(
  now: AgentView,
  before: AgentView | undefined,
  worker: AgentsView['worker'],
): Activity {
  const s = now.snapshot;
  const p = before?.snapshot;
  if (
    s.status === 'error' ||
    s.status === 'backoff' ||
    worker.status === 'restarting' ||
    (p !== undefined && (s.failed > p.failed || s.deadLettered > p.deadLettered))
  )
    return 'degraded';
  if (now.inferring > 0) return 'learning';
  if (s.status === 'busy' || s.mailboxDepth > 0 || (p !== undefined && s.processed > p.processed))
    return 'working';
  return 'idle';
}

/** "2 working, 1 learning, 1 idle": the headline of the panel. */
export function headline(activities: readonly Activity[]): string {
  if (activities.length === 0) return 'No agents';
  const order: Activity[] = ['working', 'learning', 'degraded', 'idle'];
  return order
    .map((a) => [a, activities.filter((x) => x === a).length] as const)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${n} ${a}`)
    .join(', ');
}
