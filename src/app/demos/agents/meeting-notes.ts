// Meeting notes: each transcript → a bullet in running notes (durable agent state, so notes survive a
// reload or a worker crash) with its action items and keywords, made here on the device. With the user's
// consent the endpoint then tidies each line and, on request, writes a summary. The speech clip itself
// never reaches this agent (it stays in the speech pipeline), so refinement works from the text.
import { type PerceptionEvents, defineAgent } from '../../../index';
import { askCloud } from './cloud-refine';
import { publishLabelled } from './labelled-publish';
import { actionItems, cleanUtterance, extractiveSummary, keywords } from './notes-extraction';
import type { DemoEvents, Note, Refinement } from './topics';

export const NOTES_AGENT = 'meeting-notes';

export interface NotesState {
  notes: Note[];
  /** Every keyword seen, with how often. */
  keywordCounts: Record<string, number>;
  summary: (Refinement & { at: number; notes: number; local?: string }) | null;
}

/** Older notes fall out of the running notes past this many (the summary covers what is kept). */
export const MAX_NOTES = 200;

export const initialNotesState = (): NotesState => ({ notes: [], keywordCounts: {}, summary: null });

/** The note for one transcript, or null when it holds no words (Whisper's "[BLANK_AUDIO]"). */
export function noteFrom(id: string, p: PerceptionEvents['audio.transcript'], at: number): Note | null {
  const text = cleanUtterance(p.text ?? '');
  if (!text) return null;
  return { id, segment: p.segment, text, actionItems: actionItems(text), keywords: keywords(text), at };
}

export function addNote(s: NotesState, note: Note): void {
  s.notes.push(note);
  if (s.notes.length > MAX_NOTES) s.notes.splice(0, s.notes.length - MAX_NOTES);
  for (const k of note.keywords) s.keywordCounts[k] = (s.keywordCounts[k] ?? 0) + 1;
}

/** The notes as the text a summary is made from: refined lines where the endpoint tidied them. */
export function notesText(s: NotesState): string {
  return s.notes.map((n) => `- ${n.refined?.status === 'refined' ? n.refined.text : n.text}`).join('\n');
}

// The transcript is the user's speech: `local` data, shared only through the declared, audited step.
const SHARE = { privacy: 'local', declassify: 'transcript.share' } as const;

export function meetingNotes() {
  return defineAgent<NotesState>({
    id: NOTES_AGENT,
    subscribe: ['audio.transcript', 'demo.notes.refine', 'demo.notes.summarize'],
    initialState: initialNotesState(),
    timeoutMs: 60_000,
    maxAttempts: 1,
    async on(event, ctx) {
      switch (event.topic) {
        case 'audio.transcript': {
          const note = noteFrom(event.id, event.payload as PerceptionEvents['audio.transcript'], event.ts);
          if (!note) return;
          addNote(ctx.state, note);
          publishLabelled(ctx, 'demo.notes.note', note, event.privacy);
          publishLabelled(ctx, 'demo.notes.refine', { id: note.id, text: note.text }, event.privacy);
          return;
        }
        case 'demo.notes.refine': {
          const { id, text } = event.payload as DemoEvents['demo.notes.refine'];
          const refined = await askCloud(ctx, {
            system:
              'You correct speech-recognition output. Reply with the corrected sentence only, keeping its meaning.',
            user: text,
            ...SHARE,
          });
          const note = ctx.state.notes.find((n) => n.id === id);
          if (note) note.refined = refined;
          publishLabelled(ctx, 'demo.notes.refined', { id, refinement: refined }, 'local');
          return;
        }
        case 'demo.notes.summarize': {
          const count = ctx.state.notes.length;
          const refinement: Refinement = count
            ? await askCloud(ctx, {
                system:
                  'You write meeting minutes. Summarise these notes in three sentences at most, then list ' +
                  'the action items.',
                user: notesText(ctx.state),
                ...SHARE,
              })
            : { status: 'kept-local', reason: 'there are no notes to summarise yet' };
          // Made on the device every time: without consent it is the summary, with it a cross-check.
          const local = extractiveSummary(ctx.state.notes, ctx.state.keywordCounts);
          ctx.state.summary = { ...refinement, at: event.ts, notes: count, local };
          publishLabelled(ctx, 'demo.notes.summary', { refinement, notes: count, local }, 'local');
          return;
        }
      }
    },
  });
}
