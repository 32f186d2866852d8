// A recorded session is the event log's own JSONL form (one SentioEvent per line, the format of
// log.export / log.import), so a recording can be imported and replayed by the hub as it is.
import { type SentioEvent, eventFromJson } from '../../index';

export interface SessionFileSummary {
  events: number;
  firstTs: number;
  lastTs: number;
  /** Distinct topics, in first-seen order: the replay is limited to them. */
  topics: string[];
  /** Bad lines, each naming its line number and what is wrong; they are skipped. */
  errors: string[];
}

export class EmptySessionError extends Error {
  override name = 'EmptySessionError';
  constructor(errors: string[]) {
    super(
      errors.length > 0
        ? `the session file has no valid event (${errors.length} bad line${errors.length === 1 ? '' : 's'}; first: ${errors[0]})`
        : 'the session file is empty',
    );
  }
}

export function readSessionFile(jsonl: string): { events: SentioEvent[]; summary: SessionFileSummary } {
  const events: SentioEvent[] = [];
  const errors: string[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      events.push(eventFromJson(line, undefined, i + 1));
    } catch (err) {
      errors.push((err as Error).message);
    }
  });
  if (events.length === 0) throw new EmptySessionError(errors);
  let firstTs = Infinity;
  let lastTs = -Infinity;
  const topics = new Set<string>();
  for (const e of events) {
    firstTs = Math.min(firstTs, e.ts);
    lastTs = Math.max(lastTs, e.ts);
    topics.add(e.topic);
  }
  return { events, summary: { events: events.length, firstTs, lastTs, topics: [...topics], errors } };
}
