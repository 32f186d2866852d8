// One line about an agent's state for the panel: the demos' agents in their own words, any other agent by
// the shape of its state.
import { EMOTION_AGENT, type EmotionState } from '../demos/agents/emotion-assistant';
import { GESTURE_AGENT, type GestureState } from '../demos/agents/gesture-assistant';
import { MONITOR_AGENT } from '../demos/agents/sensor-monitor';
import { NOTES_AGENT, type NotesState } from '../demos/agents/meeting-notes';
import type { PlaybookState } from '../../index';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SUMMARIES: Record<string, (state: never) => string> = {
  [EMOTION_AGENT]: (s: EmotionState) =>
    `${plural(s.readings, 'reading')}, ${plural(s.reacted, 'reaction')}` +
    (s.last ? `; last: ${s.last.expression}` : ''),
  [NOTES_AGENT]: (s: NotesState) =>
    `${plural(s.notes.length, 'note')}, ${plural(
      s.notes.reduce((n, x) => n + x.actionItems.length, 0),
      'action item',
    )}` + (s.summary ? `; summary ${s.summary.status === 'refined' ? 'ready' : 'kept local'}` : ''),
  [GESTURE_AGENT]: (s: GestureState) =>
    `${plural(s.seen, 'gesture')} seen, ${plural(s.suggestions.length, 'suggestion')} kept`,
  [MONITOR_AGENT]: (s: PlaybookState) => {
    const fired = Object.entries(s.fired);
    return fired.length
      ? `rules fired: ${fired.map(([r, n]) => `${r} ×${n}`).join(', ')}`
      : 'no rule fired yet';
  },
};

function shape(state: unknown): string {
  if (state === null || typeof state !== 'object') return JSON.stringify(state) ?? String(state);
  const parts = Object.entries(state as Record<string, unknown>).map(([k, v]) =>
    typeof v === 'number' || typeof v === 'boolean' || v === null
      ? `${k}: ${String(v)}`
      : Array.isArray(v)
        ? `${k}: ${plural(v.length, 'item')}`
        : typeof v === 'string'
          ? `${k}: ${v.length > 24 ? `${v.slice(0, 24)}…` : v}`
          : `${k}: {…}`,
  );
  return parts.join(', ') || 'empty';
}

export function stateSummary(agentId: string, state: unknown): string {
  const own = SUMMARIES[agentId];
  if (own && state && typeof state === 'object') {
    try {
      return own(state as never);
    } catch {
      // A state of an older shape: fall back to describing what is there.
    }
  }
  return shape(state);
}
