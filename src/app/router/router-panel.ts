// The router panel: the endpoint in use (and, for our development endpoint, that it is a deterministic
// responder and not a model), the recent decisions with their reasons, the cloud share and fallbacks, cost
// against the caps, the circuit breaker and the offline outbox.
import {
  type Bus,
  type Routing,
  type RoutingView,
  DecisionLog,
  describeCost,
  percent,
  toDecisionRecord,
  type DecisionRecord,
} from '../../index';
import { el, keyedChildren, section } from '../dom';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';
import { DEV_ENDPOINT_LABEL } from './dev-label';

export { DEV_ENDPOINT_LABEL };

function fact(label: string, testId: string): { row: HTMLElement; value: HTMLElement } {
  const value = el('dd', { testId });
  return { row: el('div', { className: 'fact' }, el('dt', { text: label }), value), value };
}

function decisionItem(d: DecisionRecord): HTMLLIElement {
  const e = d.estimates;
  return el(
    'li',
    { className: `decision route-${d.route}`, testId: 'router-decision' },
    el('span', { className: 'route', testId: 'decision-route', text: d.route }),
    el('span', { className: 'task', text: d.task + (d.agentId ? ` (${d.agentId})` : '') }),
    el('span', { className: 'reason', testId: 'decision-reason', text: d.reason }),
    el('span', {
      className: 'estimates',
      testId: 'decision-estimates',
      text: `~${Math.round(e.latencyMs)} ms · cost ${e.cost.toFixed(4)} · confidence ${e.confidence.toFixed(2)}`,
    }),
    d.endpoint
      ? el('span', { className: 'endpoint', testId: 'decision-endpoint', text: `→ ${d.endpoint}` })
      : null,
  );
}

export function createRouterPanel(
  bus: Bus,
  routing: Routing,
  options: { refreshMs?: number; scheduler?: RenderScheduler } = {},
): HTMLElement {
  const log = new DecisionLog(50);
  const endpointLine = el('p', { testId: 'router-endpoint' });
  const devLabel = el('p', { className: 'dev-label', testId: 'router-dev-label', text: DEV_ENDPOINT_LABEL });
  const share = fact('Cloud share', 'router-cloud-share');
  const fallbacks = fact('Cloud wanted, not had', 'router-fallbacks');
  const costSession = fact('Cost (session)', 'router-cost-session');
  const costDay = fact('Cost (today)', 'router-cost-day');
  const calls = fact('Cloud calls', 'router-cloud-calls');
  const circuit = fact('Circuit breaker', 'router-circuit');
  const outbox = fact('Offline outbox', 'router-outbox');
  const list = el('ol', { className: 'decisions', testId: 'router-decisions' });
  const empty = el('p', { className: 'summary', testId: 'router-no-decisions', text: 'No decisions yet.' });

  function showEndpoint(view: RoutingView): void {
    const e = view.endpoint;
    devLabel.hidden = !e?.development;
    if (!e) {
      endpointLine.textContent = `Local only: ${view.localOnly ?? 'no endpoint'}.`;
      endpointLine.className = 'missing';
      return;
    }
    // A development endpoint answers with a fixed rule: its "model" field is a responder id, not a model.
    const what = e.development ? `responder ${e.model}` : `model ${e.model}`;
    endpointLine.textContent = `Endpoint "${e.id}": ${e.baseUrl} (${what}, cleared for ${e.clearance} data).`;
    endpointLine.className = 'ok';
  }

  function showDecisions(): void {
    const s = log.summary();
    share.value.textContent = `${percent(s.cloudShare)} (${s.cloud} of ${s.total} decisions)`;
    const f = s.fallbacks;
    fallbacks.value.textContent = `${percent(s.fallbackRate)} — to local ${f.local}, to outbox ${f.outbox}, dropped ${f.dropped}`;
    // A record is immutable and keeps its identity in the log: a new decision inserts one item.
    keyedChildren(
      list,
      log.latest(),
      (d) => d,
      decisionItem,
      () => {},
    );
    empty.hidden = s.total > 0;
  }

  let outboxAsk = 0;
  function showHealth(): void {
    const view = routing.view();
    const spent = view.budget.spent();
    const caps = routing.caps;
    const cost = describeCost({
      session: spent.session,
      day: spent.day,
      sessionCap: Number.isFinite(caps.globalPerSession) ? caps.globalPerSession : null,
      dayCap: Number.isFinite(caps.globalPerDay) ? caps.globalPerDay : null,
    });
    costSession.value.textContent = cost.session;
    costDay.value.textContent = cost.day;
    costSession.value.className = costDay.value.className = cost.capped ? 'missing' : '';
    calls.value.textContent = routing.cloudCalls.describe();
    const state = view.breaker?.state();
    circuit.value.textContent = state
      ? state === 'closed'
        ? 'closed (endpoint healthy)'
        : state === 'open'
          ? `open until ${new Date(view.breaker!.reopensAt()!).toLocaleTimeString()} (repeated failures)`
          : 'half-open (one trial request allowed)'
      : 'no endpoint';
    circuit.value.className = state && state !== 'closed' ? 'missing' : '';
    if (!view.outbox) {
      outbox.value.textContent = 'no endpoint';
      return;
    }
    // Answers can arrive out of order when IndexedDB is slow: only the newest question's answer is shown.
    const ask = ++outboxAsk;
    view.outbox.pending().then(
      (n) => {
        if (ask === outboxAsk) outbox.value.textContent = `${n} request${n === 1 ? '' : 's'} waiting`;
      },
      (err: Error) => {
        if (ask === outboxAsk) outbox.value.textContent = `unknown: ${err.message}`;
      },
    );
  }

  // Decisions and health are drawn through the render scheduler: once per frame at most, only on screen.
  const panel = section('Router', 'router-panel');
  const renderer = (options.scheduler ?? sharedRenderScheduler()).register(panel, () => {
    showDecisions();
    showHealth();
  });
  const redraw = () => renderer.invalidate();
  bus.subscribe(
    'router.decision',
    (e) => {
      log.add(toDecisionRecord(e.payload, e.ts));
      redraw();
    },
    { qos: 'background' },
  );
  // Hybrid results are published under `<topic>.refine-failed`; the default topic is `router.<task>`.
  bus.subscribe(
    'router.>',
    (e) => {
      if (!e.topic.endsWith('.refine-failed')) return;
      log.refineFailed();
      redraw();
    },
    { qos: 'background' },
  );
  routing.onChange((view) => {
    showEndpoint(view);
    redraw();
  });
  setInterval(redraw, options.refreshMs ?? 1000); // spend and the breaker change with time, not events
  showDecisions();

  panel.append(
    endpointLine,
    devLabel,
    el(
      'dl',
      { className: 'facts' },
      share.row,
      fallbacks.row,
      costSession.row,
      costDay.row,
      calls.row,
      circuit.row,
      outbox.row,
    ),
    el('h3', { text: 'Recent decisions' }),
    empty,
    list,
  );
  return panel;
}
