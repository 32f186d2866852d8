import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { meetingNotes, type NotesState } from './meeting-notes';
import { actionItems, cleanUtterance, isActionItem, keywords, topKeywords } from './notes-extraction';
import { event, startAgent } from './test-support';
import type { Note } from './topics';

const transcript = (text: string, segment = 1) => ({
  stream: 'mic',
  segment,
  text,
  start: 0,
  end: 1,
  backend: 'wasm',
  model: 'whisper-tiny',
  timings: {},
});

describe('notes extraction', () => {
  it('tidies a transcript into a bullet and drops non-speech markers', () => {
    expect(cleanUtterance(' go forward ten meters ')).toBe('Go forward ten meters.');
    expect(cleanUtterance('Go forward 10 meters.')).toBe('Go forward 10 meters.');
    expect(cleanUtterance('[BLANK_AUDIO]')).toBe('');
    expect(cleanUtterance(' (music) ')).toBe('');
    expect(cleanUtterance('*coughs* we should ship it')).toBe('We should ship it.');
  });

  it('finds action items by imperative verbs and commitment phrases, not in plain statements', () => {
    expect(isActionItem('Go forward ten meters.')).toBe(true);
    expect(isActionItem("Let's meet on Monday.")).toBe(true);
    expect(isActionItem('We need to fix the build.')).toBe(true);
    expect(isActionItem('Can you send the slides?')).toBe(true);
    expect(isActionItem('He was not an ill disposed young man.')).toBe(false);
    expect(actionItems('The demo went well. Remember to book the room. It rained.')).toEqual([
      'Remember to book the room.',
    ]);
  });

  it('keeps content words once each and ranks them by frequency, then first appearance', () => {
    expect(keywords('He was not an ill disposed young man.')).toEqual(['ill', 'disposed', 'young', 'man']);
    expect(keywords('Go forward, forward!')).toEqual(['forward']);
    expect(topKeywords({ robot: 1, forward: 3, meters: 3, go: 1 }, 2)).toEqual(['forward', 'meters']);
  });
});

describe('meeting notes: the agent', () => {
  it('keeps running notes with action items, durable across a restart, and skips empty transcripts', async () => {
    const h = await startAgent(meetingNotes());
    await h.send(
      event('audio.transcript', transcript('Go forward 10 meters.', 1)),
      event('audio.transcript', transcript('[BLANK_AUDIO]', 2)),
      event('audio.transcript', transcript('he was not an ill disposed young man', 3)),
    );
    const s: NotesState = h.state();
    expect(s.notes.map((n) => n.text)).toEqual([
      'Go forward 10 meters.',
      'He was not an ill disposed young man.',
    ]);
    expect(s.notes[0]!.actionItems).toEqual(['Go forward 10 meters.']);
    expect(s.notes[1]!.actionItems).toEqual([]);
    expect(s.keywordCounts.forward).toBe(1);
    const notes = h.published('demo.notes.note');
    expect(notes.map((p) => p.privacy)).toEqual(['local', 'local']);
    expect((notes[0]!.payload as Note).text).toBe('Go forward 10 meters.');
    // One refinement request per note, the speech itself never asked of the endpoint here.
    expect(h.published('demo.notes.refine')).toHaveLength(2);
    expect(h.inferCalls).toEqual([]);
    expect(h.snapshot().deadLettered).toBe(0);
    await h.stop();

    const again = await startAgent(meetingNotes(), { dbName: h.dbName });
    expect(again.state().notes.map((n) => n.segment)).toEqual([1, 3]);
    expect(again.snapshot().processed).toBe(3);
    await again.stop();
  });

  it('refines a line and summarises on demand through chat, naming the declassification step', async () => {
    const h = await startAgent(meetingNotes(), {
      infer: async (_task, input) => {
        const user = (input as { messages: { content: string }[] }).messages.at(-1)!.content;
        return {
          output: { text: user.startsWith('-') ? 'Summary: move ahead 10 m.' : 'Go forward ten metres.' },
        };
      },
    });
    await h.send(event('audio.transcript', transcript('go forward ten meters')));
    const [refine] = h.published('demo.notes.refine');
    await h.send(event(refine!.topic, refine!.payload));
    expect(h.state().notes[0]!.refined).toEqual({ status: 'refined', text: 'Go forward ten metres.' });
    expect(h.inferCalls[0]!.options).toMatchObject({ privacy: 'local', declassify: 'transcript.share' });

    await h.send(event('demo.notes.summarize', { requestedAt: 5 }));
    // The summary is made from the refined line.
    expect(h.inferCalls[1]!.input).toMatchObject({
      messages: [expect.anything(), { role: 'user', content: '- Go forward ten metres.' }],
    });
    expect(h.state().summary).toMatchObject({
      status: 'refined',
      text: 'Summary: move ahead 10 m.',
      notes: 1,
    });
    expect(h.published('demo.notes.summary')[0]!.payload).toEqual({
      refinement: { status: 'refined', text: 'Summary: move ahead 10 m.' },
      notes: 1,
      local: 'Go forward ten meters.\nAction items: Go forward ten meters.',
    });
    await h.stop();
  });

  it('says the summary stayed local when there is nothing to summarise or the endpoint is refused', async () => {
    const h = await startAgent(meetingNotes(), {
      infer: () => Promise.reject(new Error('no consent for "cloud.transcript" on endpoint "e"')),
    });
    await h.send(event('demo.notes.summarize', { requestedAt: 1 }));
    expect(h.state().summary).toMatchObject({
      status: 'kept-local',
      reason: 'there are no notes to summarise yet',
    });
    expect(h.inferCalls).toEqual([]);
    await h.send(event('audio.transcript', transcript('we should book the room')));
    await h.send(event('demo.notes.summarize', { requestedAt: 2 }));
    expect(h.state().summary).toMatchObject({
      status: 'kept-local',
      reason: 'no consent for "cloud.transcript" on endpoint "e"',
      notes: 1,
      // Without consent the summary is still made, on the device.
      local: 'We should book the room.\nAction items: We should book the room.',
    });
    expect(h.failures).toEqual([]);
    await h.stop();
  });
});
