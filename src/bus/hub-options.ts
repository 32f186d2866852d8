// How a hub is set up, and the name of the lock it holds for its life (its clients watch it to learn of its death).
import type { SentioEvent } from '../events/event';
import type { EventLimits } from '../events/validate';
import type { SentioDb } from '../storage/db';
import type { PublisherRules } from './publisher-rules';

export function hubLockName(hubId: string): string {
  return `sentio.bus.hub.${hubId}`;
}

export interface HubOptions {
  hubId?: string;
  /** Where the event log and `persist` spills live. Without it, there is no log and persist cannot spill. */
  db?: SentioDb;
  limits?: EventLimits;
  now?: () => number;
  /** Web Locks, to learn when a client's thread dies. null = rely on goodbyes only. */
  locks?: LockManager | null;
  /** Topics the UI trusts and who may publish them (publisher-rules.ts); DEFAULT_PUBLISHER_RULES by default. */
  publishers?: PublisherRules;
  /**
   * Other hubs of the same origin to exchange events with. Used by the fallback hub (one dedicated worker
   * per tab where SharedWorker is missing) so tabs still share one bus.
   */
  peers?: HubPeers;
}

export interface HubPeers {
  send(events: SentioEvent[]): void;
  onEvents(receive: (events: unknown[]) => void): void;
}
