// The page's way onto the bus: start (or join) the hub, connect this thread, hand ports to workers.
import sharedHubScript from '../../workers/bus.shared.ts?worker&url';
import dedicatedHubScript from '../../workers/bus.dedicated.ts?worker&url';
import { HubLoadError } from '../embed/cross-origin-worker';
import { baseOfWorkerScript, builtRuntimeFiles, type RuntimeFiles } from '../platform/runtime-files';
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
  /** Rejects with a HubLoadError when the hub's script cannot be loaded (e.g. no CORS on the asset host). */
  readonly failed?: Promise<never>;
  /** Ends the hub's worker when this page started a dedicated one (a SharedWorker outlives the page's use). */
  terminate?(): void;
}

export interface StartHubOptions {
  /** Use the dedicated-worker hub even where SharedWorker exists (tests, embeds that cannot share). */
  forceDedicated?: boolean;
  /** Where the hub's scripts are. Default: where the build put them. */
  files?: RuntimeFiles;
}

/**
 * Starts the hub: a SharedWorker (one hub for every tab of the origin) when its script is on the page's
 * origin, else a dedicated worker per tab started through a Blob bootstrap (a SharedWorker from a Blob URL
 * would be a new one per tab anyway); those hubs exchange events over a BroadcastChannel of the page's
 * origin, so the tabs of a site still share one bus.
 */
export function startHub(options: StartHubOptions = {}): HubConnection {
  const files = options.files ?? builtRuntimeFiles();
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // only observed by whoever races it

  const shared = files.script(sharedHubScript);
  if (!options.forceDedicated && typeof SharedWorker === 'function' && files.sameOrigin(shared)) {
    const open = () => {
      const worker = new SharedWorker(shared.href, { type: 'module', name: 'sentio-bus' });
      worker.addEventListener('error', () => fail(new HubLoadError(shared.href, false)));
      return worker.port;
    };
    return { kind: 'shared', connect: open, failed };
  }
  const script = files.script(dedicatedHubScript);
  const { worker, bootstrapped } = files.worker(script, 'sentio-bus');
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    fail(new HubLoadError(script.href, bootstrapped));
  });
  return {
    kind: 'dedicated',
    failed,
    connect() {
      const ch = new MessageChannel();
      worker.postMessage({ type: 'sentio.hub.connect', port: ch.port2 } satisfies HubHostMessage, [ch.port2]);
      return ch.port1;
    },
    terminate: () => worker.terminate(),
  };
}

export type OpenBusOptions = Omit<ConnectBusOptions, 'port'> & { hub?: HubConnection; files?: RuntimeFiles };

/** Connects this thread (a page) to the hub; starts the hub when none is given. */
export function openBus<M extends EventMap = EventMap>(
  options: OpenBusOptions,
): ConnectedBus<M> & { hubConnection: HubConnection } {
  const { hub: given, files, ...rest } = options;
  const hub = given ?? startHub(files ? { files } : {});
  const bus = connectBus<M>({ ...rest, port: hub.connect() });
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

/**
 * Where the build put the runtime files: the folder above the hub's script (`<base>assets/…`). The URL is
 * fixed when the library loads (a classic script knows its own URL only then), so this is right for the
 * app, the embed's script on any origin, and `import … from '<host>/sentio.mjs'`; a bundler that moves the
 * library's code needs `base`.
 */
export function builtRuntimeBase(): URL {
  return baseOfWorkerScript(new URL(sharedHubScript, globalThis.location.href).href);
}
