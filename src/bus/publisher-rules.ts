// Publisher rules: topics the UI trusts (a tool's result, the router's decision) may be published only by
// the clients named for them, and only with `source` equal to that client's name. The hub applies them to
// everything it receives, so an agent worker, the inference worker, an embed, a bridged device or a stray
// port of the origin cannot put words in the tool gateway's or the router's mouth.
//
// What they cannot do: tell two same-origin documents apart. A client's name is what its hello says, and
// any script of the origin can open a port to the hub (or write the IndexedDB database) under any name, so
// these rules stop components that only hold the port they were given, not code running as the app itself.
import type { SentioEvent } from '../events/event';
import { TopicTrie } from '../events/topic-trie';
import type { ErrorData } from '../platform/error-data';

/** Topic pattern → names of the clients that may publish on it. */
export type PublisherRules = Readonly<Record<string, readonly string[]>>;

/** The PWA's page bus is named "app" (src/app/index.ts); the tool gateway and the router publish on it. */
export const DEFAULT_PUBLISHER_RULES: PublisherRules = Object.freeze({
  'tool.result': ['app'],
  'router.decision': ['app'],
});

export class PublisherGuard {
  private readonly trie = new TopicTrie<{ pattern: string; names: readonly string[] }>();
  readonly empty: boolean;

  constructor(rules: PublisherRules) {
    const entries = Object.entries(rules);
    for (const [pattern, names] of entries) this.trie.add(pattern, { pattern, names });
    this.empty = entries.length === 0;
  }

  /** The rules that apply to `topic` (computed once per topic by the hub's route cache). */
  rulesFor(topic: string): readonly { pattern: string; names: readonly string[] }[] {
    return this.empty ? [] : this.trie.match(topic);
  }

  /**
   * Why `publisher` (a client's name; null for events from peer hubs, which are judged by their `source`)
   * may not publish `e`, or null.
   */
  check(
    e: SentioEvent,
    rules: readonly { pattern: string; names: readonly string[] }[],
    publisher: string | null,
  ): ErrorData | null {
    const who = publisher ?? e.source;
    for (const r of rules) {
      if (!r.names.includes(who) || e.source !== who)
        return {
          name: 'PublisherError',
          message: `only ${r.names.join(', ')} may publish on "${e.topic}" (rule "${r.pattern}"); refused event ${e.id} from client "${who}" with source "${e.source}"`,
          fields: { topic: e.topic, eventId: e.id },
        };
    }
    return null;
  }
}
