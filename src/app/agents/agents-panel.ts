// The agents panel: where the agents run, and for each agent an animated "at work" figure (idle, working,
// degraded, learning — said in words too), its state in one line, its mailbox depth, its last action and
// its health. Polled once a second from whichever tab runs the agents.
import {
  type Bus,
  requestAgentsView,
  type AgentsRuntime,
  type AgentsStatus,
  type AgentsView,
} from '../../index';
import { el, section } from '../dom';
import { activityOf, ACTIVITY_TEXT, headline, type Activity } from './agent-activity';
import { stateSummary } from './state-summary';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';

const WHERE: Record<AgentsStatus['kind'], string> = {
  starting: 'Agents are starting…',
  elsewhere: 'Agents run in another tab of this browser; this panel shows them from there.',
  running: 'Agents run in this tab (in a worker).',
  failed: 'Agents could not start',
};

function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 1 ? 'just now' : s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

interface Row {
  root: HTMLElement;
  figure: HTMLElement;
  activity: HTMLElement;
  state: HTMLElement;
  mailbox: HTMLElement;
  last: HTMLElement;
  health: HTMLElement;
}

function fact(label: string, value: HTMLElement): HTMLElement {
  return el('div', { className: 'agent-fact' }, el('dt', { text: label }), value);
}

function createRow(id: string): Row {
  const figure = el(
    'div',
    { className: 'agent-figure', attrs: { 'aria-hidden': 'true' } },
    el('span', { className: 'agent-body' }),
    el('span', { className: 'agent-spark' }),
  );
  const activity = el('p', { className: 'agent-activity', testId: `agent-${id}-activity` });
  const state = el('dd', { testId: `agent-${id}-state` });
  const mailbox = el('dd', { testId: `agent-${id}-mailbox` });
  const last = el('dd', { testId: `agent-${id}-last-action` });
  const health = el('dd', { testId: `agent-${id}-health` });
  const root = el(
    'li',
    { className: 'agent', testId: `agent-${id}` },
    figure,
    el(
      'div',
      { className: 'agent-text' },
      el('h3', { text: id }),
      activity,
      el(
        'dl',
        {},
        fact('State', state),
        fact('Mailbox', mailbox),
        // What the agent asked for, not what happened: a risky tool waits for the user's answer, and its
        // outcome (performed, declined, failed) is on the demo card that asks.
        fact('Last action asked', last),
        fact('Health', health),
      ),
    ),
  );
  return { root, figure, activity, state, mailbox, last, health };
}

export function createAgentsPanel(
  bus: Bus,
  runtime: AgentsRuntime,
  options: { intervalMs?: number; scheduler?: RenderScheduler } = {},
): HTMLElement {
  const where = el('p', { className: 'summary', testId: 'agents-where' });
  const glance = el('p', {
    className: 'agents-glance',
    testId: 'agents-glance',
    attrs: { 'aria-live': 'polite' },
  });
  const list = el('ul', { className: 'agents', testId: 'agents-list' });
  const panel = section('Agents at work', 'agents-panel', where, glance, list);
  const rows = new Map<string, Row>();
  let previous: AgentsView | null = null;

  const showWhere = (s: AgentsStatus) => {
    where.textContent = s.kind === 'failed' ? `${WHERE.failed}: ${s.message}` : WHERE[s.kind];
    where.className = `summary ${s.kind === 'failed' ? 'missing' : ''}`;
  };
  showWhere(runtime.status());
  runtime.onStatus(showWhere);

  function render(view: AgentsView): void {
    const activities: Activity[] = [];
    for (const agent of view.agents) {
      const id = agent.snapshot.id;
      let row = rows.get(id);
      if (!row) {
        row = createRow(id);
        rows.set(id, row);
        list.append(row.root);
      }
      const s = agent.snapshot;
      const activity = activityOf(
        agent,
        previous?.agents.find((a) => a.snapshot.id === id),
        view.worker,
      );
      activities.push(activity);
      row.root.dataset.activity = activity;
      row.figure.className = `agent-figure activity-${activity}`;
      row.activity.textContent = ACTIVITY_TEXT[activity];
      row.state.textContent = stateSummary(id, s.state);
      row.mailbox.textContent = `${s.mailboxDepth} waiting${s.dropped ? `, ${s.dropped} dropped` : ''}`;
      row.last.textContent = agent.lastAction
        ? `${agent.lastAction.what} (${ago(agent.lastAction.at, view.at)})`
        : 'none yet';
      row.health.textContent =
        `${s.processed} processed · ${s.failed} failed · ${s.deadLettered} dead letters · ` +
        `${view.worker.restarts} restarts` +
        (s.lastError ? ` · last error: ${s.lastError.name}: ${s.lastError.message}` : '');
    }
    glance.textContent = `${headline(activities)} · worker ${view.worker.status}`;
    previous = view;
  }

  // Drawn through the render scheduler: only while on screen; polled only then too (nobody sees the answer).
  let latest: AgentsView | null = null;
  const renderer = (options.scheduler ?? sharedRenderScheduler()).register(
    panel,
    () => latest && render(latest),
    { name: 'agents-panel' },
  );

  async function poll(): Promise<void> {
    if (!renderer.shown) return;
    const where = runtime.status().kind;
    // Starting: this tab does not know yet whether it or another runs them; it will say.
    if (where === 'starting' || where === 'failed') return;
    try {
      const view = where === 'running' ? await runtime.inspect() : await requestAgentsView(bus);
      if (view) {
        latest = view;
        renderer.invalidate();
      }
    } catch (e) {
      // No tab answered: the runner may be starting or just closed; the next poll tries again.
      glance.textContent = `No agents host answered: ${(e as Error).message}`;
    }
  }

  const interval = options.intervalMs ?? 1000;
  let shown = false;
  const tick = () => {
    shown ||= panel.isConnected;
    if (shown && !panel.isConnected) return; // the panel was taken off the page: stop polling
    void poll().finally(() => setTimeout(tick, interval));
  };
  tick();
  return panel;
}
