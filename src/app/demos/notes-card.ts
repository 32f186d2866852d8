// The meeting notes card: the running notes (one bullet per utterance, with its action items), each line's
// refinement when the endpoint tidied it, and a summary on request. Notes are the agent's durable state,
// so after a reload the card starts from what the agent kept.
import type { Bus } from '../../index';
import type { NotesState } from './agents/meeting-notes';
import { topKeywords } from './agents/notes-extraction';
import type { DemoEvents, Note, Refinement } from './agents/topics';
import { el, section } from '../dom';
import { hintLine, refinementLine, type GrantConsent } from './card-kit';

/** The summary as shown: the endpoint's when it wrote one, else the one made on this device, and why. */
function summaryLines(
  refinement: Refinement,
  notes: number,
  local: string,
  grant?: GrantConsent,
): HTMLElement[] {
  const of = `${notes} note${notes === 1 ? '' : 's'}`;
  if (refinement.status === 'refined')
    return [el('p', { className: 'meta', text: `Summary of ${of}` }), refinementLine(refinement, grant)];
  if (!local) return [refinementLine(refinement, grant)];
  return [
    el('p', { className: 'meta', text: `Summary of ${of}, made on this device` }),
    el('p', { className: 'local-summary', testId: 'notes-local-summary', text: local }),
    refinementLine(refinement, grant),
  ];
}

export function createNotesCard(
  bus: Bus,
  loadState: () => Promise<NotesState | null>,
  grant?: GrantConsent,
): HTMLElement {
  const hint = hintLine(
    'notes-hint',
    'Waiting for speech: start the microphone. Notes are taken on this device.',
  );
  const list = el('ul', { className: 'notes', testId: 'notes-list' });
  const keywordsLine = el('p', { className: 'meta', testId: 'notes-keywords' });
  const summary = el('div', { className: 'notes-summary', testId: 'notes-summary' });
  const button = el('button', { testId: 'notes-summarize', text: 'Summarise', attrs: { type: 'button' } });
  const items = new Map<string, HTMLElement>();
  const counts: Record<string, number> = {};

  function show(note: Note): void {
    if (items.has(note.id)) return;
    const li = el(
      'li',
      { testId: 'note' },
      el('p', { className: 'note-text', text: note.text }),
      ...note.actionItems.map((a) => el('p', { className: 'action-item', text: `Action: ${a}` })),
    );
    if (note.refined) li.append(refinementLine(note.refined, grant));
    items.set(note.id, li);
    list.append(li);
    for (const k of note.keywords) counts[k] = (counts[k] ?? 0) + 1;
    keywordsLine.textContent = `Keywords: ${topKeywords(counts, 6).join(', ')}`;
    hint.textContent = `${items.size} note${items.size === 1 ? '' : 's'} so far.`;
  }

  bus.subscribe('demo.notes.note', (e) => show(e.payload as Note));
  bus.subscribe('demo.notes.refined', (e) => {
    const { id, refinement } = e.payload as DemoEvents['demo.notes.refined'];
    items.get(id)?.append(refinementLine(refinement, grant));
  });
  bus.subscribe('demo.notes.summary', (e) => {
    const { refinement, notes, local } = e.payload as DemoEvents['demo.notes.summary'];
    summary.replaceChildren(...summaryLines(refinement, notes, local, grant));
    button.disabled = false;
  });
  button.addEventListener('click', () => {
    button.disabled = true;
    summary.textContent = 'Asking for a summary…';
    bus.publish('demo.notes.summarize', { requestedAt: Date.now() }, { privacy: 'local' });
    // The agent answers even when the endpoint does not; past its own time limit, something else is wrong.
    setTimeout(() => {
      if (!button.disabled) return;
      button.disabled = false;
      summary.textContent = 'No answer from the meeting notes agent; try again.';
    }, 65_000);
  });

  void loadState()
    .then((s) => {
      for (const n of s?.notes ?? []) show(n);
      if (s?.summary)
        summary.replaceChildren(...summaryLines(s.summary, s.summary.notes, s.summary.local ?? '', grant));
    })
    .catch(() => {
      // Agents not up yet: new notes arrive as events anyway.
    });

  return section('Meeting notes', 'demo-notes', hint, list, keywordsLine, button, summary);
}
