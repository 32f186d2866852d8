// What a client knows of the hub's interest: which topics someone on the hub side listens to (or the log
// keeps), so that it sends the hub only those. Until the first snapshot arrives it cannot know: everything
// goes.
import type { SentioEvent } from '../events/event';
import { TopicTrie } from '../events/topic-trie';
import type { HubMessage, InterestEntry } from './protocol';

export class HubInterest {
  private readonly trie = new TopicTrie<InterestEntry>();
  private readonly byId = new Map<string, InterestEntry>();
  private logRules = { keep: new TopicTrie<true>(), skip: new TopicTrie<true>(), keepRealtime: false };
  private known = false;
  private cache = new Map<string, { subs: readonly InterestEntry[]; logs: boolean }>();

  constructor(
    /** This client's id: its own subscriptions get its events in-thread. */
    private readonly me: string,
    /** Whether this client holds a lane to the subscription (its events go there directly). */
    private readonly hasLaneTo: (subscriptionId: string) => boolean,
  ) {}

  apply(m: Extract<HubMessage, { type: 'interest' }>): void {
    if (m.reset) {
      for (const e of this.byId.values()) this.trie.remove(e.pattern, e);
      this.byId.clear();
    }
    for (const id of m.remove) {
      const e = this.byId.get(id);
      if (e) {
        this.trie.remove(e.pattern, e);
        this.byId.delete(id);
      }
    }
    for (const e of m.add) {
      if (this.byId.has(e.id)) continue;
      this.byId.set(e.id, e);
      this.trie.add(e.pattern, e);
    }
    if (m.reset) this.known = true;
    if (m.log) {
      const keep = new TopicTrie<true>();
      const skip = new TopicTrie<true>();
      m.log.keep.forEach((p) => keep.add(p, true));
      m.log.skip.forEach((p) => skip.add(p, true));
      this.logRules = { keep, skip, keepRealtime: m.log.keepRealtime };
    }
    this.cache = new Map();
  }

  /** Lanes opened or closed: who gets what directly changed. */
  invalidate(): void {
    this.cache = new Map();
  }

  /** Whether the hub needs this event: someone there listens, or the log keeps it. */
  hubWants(event: SentioEvent): boolean {
    if (!this.known) return true;
    let w = this.cache.get(event.topic);
    if (!w) {
      if (this.cache.size >= 8192) this.cache = new Map();
      const topic = event.topic;
      w = {
        subs: this.trie.match(topic).filter((e) => e.owner !== this.me && !(e.lane && this.hasLaneTo(e.id))),
        logs: this.logRules.keep.match(topic).length > 0 && this.logRules.skip.match(topic).length === 0,
      };
      this.cache.set(topic, w);
    }
    return w.subs.length > 0 || (w.logs && (event.qos !== 'realtime' || this.logRules.keepRealtime));
  }
}
