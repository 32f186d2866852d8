// The page's way onto the bus: start (or join) the hub, connect this thread, hand ports to workers.
import { connectBus, type ConnectBusOptions, type ConnectedBus } from './hub-client';
import { hubLockName } from './hub';
import type { HubHostMessage, WorkerBusMessage } from './thread-messages';
import { isWorkerBusMessage } from './thread-messages';
import type { EventMap } from './types';

export interface HubConnection {
  /** 'shared': one hub per origin in a SharedWorker; 'dedicated': the fallback, one per tab. */
  readonly kind: 'shared' | 'dedicated';
  /** A new port to the hub, for this thread or to hand to a worker. */
  connect(): MessagePort;
}

export interface StartHubOptions {
  /** Use the dedicated-worker hub even where SharedWorker exists (tests, embeds that cannot share). */
  forceDedicated?: boolean;
}

export function startHub(options: StartHubOptions = {}): HubConnection {
  if (!options.forceDedicated && typeof SharedWorker === 'function') {
    const open = () =>
      new SharedWorker(new URL('../../workers/bus.shared.ts', import.meta.url), {
        type: 'module',
        name: 'sentio-bus',
      });
    return { kind: 'shared', connect: () => open().port };
  }
  const worker = new Worker(new URL('../../workers/bus.dedicated.ts', import.meta.url), {
    type: 'module',
    name: 'sentio-bus',
  });
  return {
    kind: 'dedicated',
    connect() {
      const ch = new MessageChannel();
      worker.postMessage({ type: 'sentio.hub.connect', port: ch.port2 } satisfies HubHostMessage, [ch.port2]);
      return ch.port1;
    },
  };
}

export type OpenBusOptions = Omit<ConnectBusOptions, 'port'> & { hub?: HubConnection };

/** Connects this thread (a page) to the hub; starts the hub when none is given. */
export function openBus<M extends EventMap = EventMap>(
  options: OpenBusOptions,
): ConnectedBus<M> & { hubConnection: HubConnection } {
  const hub = options.hub ?? startHub();
  const bus = connectBus<M>({ ...options, port: hub.connect() });
  return Object.assign(bus, { hubConnection: hub });
}

/** Gives a worker its own port to the hub; the worker calls `receiveBus` to use it. */
export function handBusTo(worker: Worker, hub: HubConnection, name: string): void {
  const port = hub.connect();
  worker.postMessage({ type: 'sentio.bus.port', port, name } satisfies WorkerBusMessage, [port]);
}

/** In a worker: waits for the port the page hands over and connects a bus on it. */
export function receiveBus<M extends EventMap = EventMap>(
  scope: {
    addEventListener(type: 'message', l: (e: MessageEvent) => void): void;
    removeEventListener(type: 'message', l: (e: MessageEvent) => void): void;
  },
  options: Omit<ConnectBusOptions, 'port' | 'name'> = {},
): Promise<ConnectedBus<M>> {
  return new Promise((resolve) => {
    const listener = (e: MessageEvent) => {
      if (!isWorkerBusMessage(e.data)) return;
      scope.removeEventListener('message', listener);
      resolve(connectBus<M>({ ...options, name: e.data.name, port: e.data.port }));
    };
    scope.addEventListener('message', listener);
  });
}

/** Resolves when the hub this bus is connected to has died (e.g. every tab closed, or it crashed). */
export async function hubLost(
  bus: ConnectedBus,
  locks: LockManager | undefined = globalThis.navigator?.locks,
): Promise<void> {
  const { hubId } = await bus.connected;
  if (!locks) return new Promise(() => {});
  await locks.request(hubLockName(hubId), () => {});
}
