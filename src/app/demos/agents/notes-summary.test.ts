import { describe, expect, it } from 'vitest';
import { actionItems, extractiveSummary, keywords } from './notes-extraction';

const line = (text: string) => ({ text, keywords: keywords(text), actionItems: actionItems(text) });

describe('extractiveSummary', () => {
  it('keeps the lines about what the meeting talked about most, in the order said, then the action items', () => {
    const lines = [
      line('The budget for the launch is tight.'),
      line('I had coffee this morning.'),
      line('We should cut the launch budget by a tenth.'),
      line('The weather was nice.'),
      line('Marketing owns the launch budget.'),
    ];
    const counts: Record<string, number> = {};
    for (const l of lines) for (const k of l.keywords) counts[k] = (counts[k] ?? 0) + 1;
    expect(extractiveSummary(lines, counts, 2).split('\n')).toEqual([
      'We should cut the launch budget by a tenth. Marketing owns the launch budget.',
      'Action items: We should cut the launch budget by a tenth.',
    ]);
  });

  it('is empty without lines, and has no action line without action items', () => {
    expect(extractiveSummary([], {})).toBe('');
    expect(extractiveSummary([line('The weather was nice.')], { weather: 1, nice: 1 })).toBe(
      'The weather was nice.',
    );
  });
});
