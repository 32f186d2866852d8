// Which subscriptions a topic reaches, cached per topic: a trie walk on first use, then a lookup until a
// subscription change makes every cached match stale (each entry is re-matched when next used; its count,
// which the per-topic rates are computed from, stays). Also the topics' publisher rules, fixed for the hub's
// life, and the rates the dashboard shows.
import { TopicTrie } from '../events/topic-trie';
import type { HubSubscription } from './hub-subscription';
import type { PublisherGuard } from './publisher-rules';

/** Topic rates are counted over windows at least this long (see RouteTable.rates). */
const RATE_WINDOW_MS = 1000;
/** One-off topics (an id in the topic, say) must not grow the cache for ever. */
const MAX_CACHED_TOPICS = 8192;

export interface Route {
  subs: readonly HubSubscription[];
  /** Events routed on this topic since the hub started. */
  count: number;
  generation: number;
  /** Publisher rules for the topic. */
  rules: ReturnType<PublisherGuard['rulesFor']>;
}

export class RouteTable {
  private readonly trie = new TopicTrie<HubSubscription>();
  private routes = new Map<string, Route>();
  private generation = 0;
  private window: { at: number; counts: Map<string, number> };
  private lastRates: Record<string, number> = {};

  constructor(
    private readonly publishers: PublisherGuard,
    private readonly now: () => number,
  ) {
    this.window = { at: now(), counts: new Map() };
  }

  add(sub: HubSubscription): void {
    this.trie.add(sub.pattern, sub);
    this.generation++;
  }

  remove(sub: HubSubscription): void {
    this.trie.remove(sub.pattern, sub);
    this.generation++;
  }

  route(topic: string): Route {
    let r = this.routes.get(topic);
    if (r && r.generation !== this.generation) {
      r.subs = this.trie.match(topic);
      r.generation = this.generation;
    }
    if (!r) {
      if (this.routes.size >= MAX_CACHED_TOPICS) this.routes = new Map();
      r = {
        subs: this.trie.match(topic),
        count: 0,
        generation: this.generation,
        rules: this.publishers.rulesFor(topic),
      };
      this.routes.set(topic, r);
    }
    return r;
  }

  /**
   * Events per second per topic over the last whole window. The window rolls only once it is RATE_WINDOW_MS
   * old, and askers within it get the same rates: with several askers (two dashboards, a panel polling
   * faster) each would otherwise see only the events since the previous ask, whoever made it.
   */
  rates(): Record<string, number> {
    const now = this.now();
    if (now - this.window.at < RATE_WINDOW_MS) return this.lastRates;
    const elapsed = (now - this.window.at) / 1000;
    const rates: Record<string, number> = {};
    const counts = new Map<string, number>();
    for (const [topic, r] of this.routes) {
      counts.set(topic, r.count);
      const prev = this.window.counts.get(topic) ?? 0;
      if (r.count > prev) rates[topic] = (r.count - prev) / elapsed;
    }
    this.window = { at: now, counts };
    this.lastRates = rates;
    return rates;
  }
}
