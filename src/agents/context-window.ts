// The short-term context window: the agent's most recent events, bounded by count and by age. It is plain
// data so it can be committed with the state and restored after a crash.
import type { SentioEvent } from '../events/event';
import { TopicTrie } from '../events/topic-trie';
import type { ContextWindowView, WindowEntry } from './types';

export interface WindowBounds {
  maxCount: number;
  maxAgeMs: number;
}

export const DEFAULT_WINDOW: WindowBounds = { maxCount: 32, maxAgeMs: 60_000 };

/** The window after `event`: older entries beyond the bounds (age measured from the event's ts) fall out. */
export function advanceWindow(
  entries: readonly WindowEntry[],
  event: SentioEvent,
  bounds: WindowBounds,
): WindowEntry[] {
  const horizon = event.ts - bounds.maxAgeMs;
  const kept = entries.filter((e) => e.ts >= horizon);
  kept.push({ id: event.id, topic: event.topic, ts: event.ts, payload: event.payload });
  return kept.length > bounds.maxCount ? kept.slice(kept.length - bounds.maxCount) : kept;
}

export function windowView(entries: readonly WindowEntry[]): ContextWindowView {
  return {
    entries: () => entries,
    onTopic(pattern) {
      const trie = new TopicTrie<true>();
      trie.add(pattern, true);
      return entries.filter((e) => trie.match(e.topic).length > 0);
    },
  };
}
