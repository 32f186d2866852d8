import { describe, expect, it } from 'vitest';
import type { AgentSnapshot, AgentView, AgentsView } from '../../index';
import { activityOf, headline } from './agent-activity';
import { stateSummary } from './state-summary';

const snap = (over: Partial<AgentSnapshot> = {}): AgentSnapshot => ({
  id: 'a',
  status: 'idle',
  state: {},
  stateVersion: 1,
  mailboxDepth: 0,
  dropped: 0,
  processed: 0,
  failed: 0,
  deadLettered: 0,
  timedOut: 0,
  lastError: null,
  lastEventId: '',
  ...over,
});
const view = (s: Partial<AgentSnapshot> = {}, inferring = 0): AgentView => ({
  snapshot: snap(s),
  lastAction: null,
  inferring,
});
const running: AgentsView['worker'] = {
  status: 'running',
  generation: 1,
  restarts: 0,
  lastCrash: null,
  lastStartError: null,
};

describe('agent activity', () => {
  it('is idle with nothing to do, working while events flow or wait', () => {
    expect(activityOf(view(), view(), running)).toBe('idle');
    expect(activityOf(view({ status: 'busy' }), undefined, running)).toBe('working');
    expect(activityOf(view({ mailboxDepth: 3 }), undefined, running)).toBe('working');
    // Handled between two polls: working, though never caught busy.
    expect(activityOf(view({ processed: 5 }), view({ processed: 4 }), running)).toBe('working');
  });

  it('is learning while its model call is out, degraded when failing or restarting', () => {
    expect(activityOf(view({ status: 'busy' }, 1), undefined, running)).toBe('learning');
    expect(activityOf(view({ status: 'backoff' }, 1), undefined, running)).toBe('degraded');
    expect(activityOf(view({ status: 'error' }), undefined, running)).toBe('degraded');
    expect(activityOf(view({ failed: 2 }), view({ failed: 1 }), running)).toBe('degraded');
    expect(activityOf(view({ deadLettered: 1 }), view(), running)).toBe('degraded');
    expect(activityOf(view(), view(), { ...running, status: 'restarting' })).toBe('degraded');
  });

  it('sums the panel up in words', () => {
    expect(headline(['idle', 'working', 'idle', 'learning'])).toBe('1 working, 1 learning, 2 idle');
    expect(headline([])).toBe('No agents');
  });
});

describe('state summary', () => {
  it('tells the demo agents in their own words and any other agent by the shape of its state', () => {
    expect(stateSummary('sensor-monitor', { fired: { overheat: 2 } })).toBe('rules fired: overheat ×2');
    expect(stateSummary('sensor-monitor', { fired: {} })).toBe('no rule fired yet');
    expect(
      stateSummary('meeting-notes', {
        notes: [{ actionItems: ['Go.'] }, { actionItems: [] }],
        keywordCounts: {},
        summary: null,
      }),
    ).toBe('2 notes, 1 action item');
    expect(stateSummary('other', { count: 3, items: [1, 2], name: 'x', deep: { a: 1 } })).toBe(
      'count: 3, items: 2 items, name: x, deep: {…}',
    );
    expect(stateSummary('other', 7)).toBe('7');
    // A stored state of an older shape falls back to the generic description.
    expect(stateSummary('meeting-notes', { lines: 4 })).toBe('lines: 4');
  });
});
