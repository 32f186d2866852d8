// A thread's bus connected to the hub, as its callers see it: how it is connected and what it adds to a local bus.
import type { LocalBus, LocalBusOptions } from './local-bus';
import type { ClientMessage, HubMessage, HubRequests } from './protocol';
import type { EventMap } from './types';
import type { Endpoint } from '../platform/messages';

type HubPort = Endpoint<HubMessage, ClientMessage>;

export interface ConnectBusOptions extends Omit<LocalBusOptions, 'spill'> {
  /** A port to the hub (from a SharedWorker, or handed over by the page to a worker). */
  port: HubPort;
  /** Called with every refusal from the hub (invalid events, refused subscriptions). */
  onRejected?: (err: Error) => void;
  /** Web Locks, so the hub learns when this thread dies. null disables it. */
  locks?: LockManager | null;
}

export interface HubControl {
  request<K extends keyof HubRequests>(
    name: K,
    params: HubRequests[K]['params'],
  ): Promise<HubRequests[K]['result']>;
}

export interface ConnectedBus<M extends EventMap = EventMap> extends LocalBus<M> {
  /** Resolves with the hub's id once it has welcomed this client. */
  readonly connected: Promise<{ hubId: string; connections: number }>;
  readonly hub: HubControl;
  /** Lanes this thread publishes on, with their backlog and drops (for the dashboard). */
  laneStats(): {
    laneId: string;
    subscriptionId: string;
    sent: number;
    backlog: number;
    dropped: Record<string, number>;
  }[];
}
