// What a test worker on the bus can be asked to do (over comlink). Types only, shared by page and worker.
import type { SentioEvent } from '../../src/events/event';
import type { HubStats } from '../../src/bus/protocol';
import type { PublishOptions, SubscribeOptions, SubscriptionStats, BusStats } from '../../src/bus/types';

export interface Received {
  subscription: string;
  topic: string;
  id: string;
  payload: unknown;
  source: string;
}

export interface BusWorkerApi {
  ready(): Promise<{ hubId: string }>;
  subscribe(pattern: string, options?: SubscribeOptions & { handlerMs?: number }): Promise<string>;
  unsubscribe(subscriptionId: string): void;
  publish(topic: string, payload: unknown, options?: PublishOptions): SentioEvent;
  /** Publishes `count` events at `hz` per second, payload = sequence number. */
  publishAt(topic: string, count: number, hz: number, options?: PublishOptions): Promise<number>;
  received(): Received[];
  subscriptionStats(): SubscriptionStats[];
  stats(): BusStats;
  hubStats(): Promise<HubStats>;
  rejected(): string[];
  flush(): Promise<void>;
  /** From now on every handler hangs: the thread looks stuck until it is killed. */
  freeze(): void;
}
