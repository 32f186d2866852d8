// Running the hub in a thread: a SharedWorker (one per origin) or, where SharedWorker is missing, a dedicated
// worker per tab whose hubs exchange events over a BroadcastChannel so that tabs still share one bus.
import type { SentioEvent } from '../events/event';
import { openDatabase } from '../storage/db';
import { Hub, type HubPeers } from './hub';
import { isHubHostMessage } from './thread-messages';

export const PEER_CHANNEL = 'sentio.bus.peers';

type PeerMessage = { type: 'events'; from: string; events: SentioEvent[] };

export function broadcastPeers(channel: BroadcastChannel, selfId: string): HubPeers {
  return {
    send(events) {
      channel.postMessage({ type: 'events', from: selfId, events } satisfies PeerMessage);
    },
    onEvents(receive) {
      channel.addEventListener('message', (e: MessageEvent<PeerMessage>) => {
        if (e.data?.type === 'events' && e.data.from !== selfId && Array.isArray(e.data.events))
          receive(e.data.events);
      });
    },
  };
}

export function serveSharedWorkerHub(scope: { onconnect: ((e: MessageEvent) => void) | null }): Hub {
  const hub = new Hub({ db: openDatabase() });
  hub.holdLivenessLock();
  scope.onconnect = (e) => {
    const port = e.ports[0];
    if (port) hub.connect(port);
  };
  return hub;
}

export function serveDedicatedWorkerHub(scope: {
  addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
}): Hub {
  const id = crypto.randomUUID();
  const hub = new Hub({
    hubId: id,
    db: openDatabase(),
    peers: broadcastPeers(new BroadcastChannel(PEER_CHANNEL), id),
  });
  hub.holdLivenessLock();
  scope.addEventListener('message', (e) => {
    if (isHubHostMessage(e.data)) hub.connect(e.data.port);
  });
  return hub;
}
