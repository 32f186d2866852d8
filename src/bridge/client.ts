// The page's side of the bridge: `bridge.connect(options)` checks the options here (a bad one throws at
// once, naming what is wrong), starts the bridge worker on first use and gives each bridge its own hub port.
import * as Comlink from 'comlink';
import type { HubConnection } from '../bus/open-bus';
import { resolveOptions } from './options';
import type { BridgeService } from './service';
import type { BridgeOptions, BridgeState, BridgeStats } from './types';
import type { RuntimeFiles } from '../platform/runtime-files';
import bridgeWorkerScript from '../../workers/bridge.worker.ts?worker&url';

/** One connected bridge. */
export interface BridgeHandle {
  /** The connection's state and last error. */
  state(): Promise<BridgeState>;
  /** Counts: exported, imported, withheld and refused by reason, outbox depth, peers. */
  stats(): Promise<BridgeStats>;
  /** Consent for `private` events to this server; revoking stops them at once. */
  grantPrivate(): Promise<void>;
  /** Withdraws that consent: private events stop at once and queued ones are dropped (counted as revoked). */
  revokePrivate(): Promise<void>;
  /**
   * Consent for a declared declassification step (see `BridgeOptions.declassify`) to this server, e.g.
   * `'expression.devices'`; revoking stops the reduced events at once.
   */
  grantStep(step: string): Promise<void>;
  /** Withdraws consent for the step. */
  revokeStep(step: string): Promise<void>;
  /** Closes this bridge's connection (its outbox stays for the next connect). */
  close(): Promise<void>;
}

/** Bridges of this bus to NATS servers. */
export interface BridgeApi {
  /** Checks the options (a bad one throws, naming it), then connects in the bridge worker. */
  connect(options: BridgeOptions): Promise<BridgeHandle>;
  /** Closes every bridge and ends the bridge worker (the owner — app or front door — calls it on close). */
  close(): Promise<void>;
}

/**
 * The bridge API on `hub`; its worker starts on the first `connect`, from `files` (the runtime files at a
 * Sentio's `base`) when given, else from where the build put it.
 */
export function createBridgeApi(hub: HubConnection, files?: RuntimeFiles): BridgeApi {
  let service: Comlink.Remote<BridgeService> | null = null;
  let thread: Worker | null = null;
  const open = new Set<BridgeHandle>();
  const worker = () => {
    if (!service) {
      thread = files
        ? files.worker(files.script(bridgeWorkerScript), 'sentio-bridge').worker
        : new Worker(bridgeWorkerScript, { type: 'module', name: 'sentio-bridge' });
      service = Comlink.wrap<BridgeService>(thread);
    }
    return service;
  };
  return {
    async close() {
      // A bridge whose server is gone may wait long on a clean close; the worker ends after 3 s regardless.
      const grace = new Promise((r) => setTimeout(r, 3000));
      await Promise.race([Promise.allSettled([...open].map((h) => h.close())), grace]);
      thread?.terminate();
      thread = null;
      service = null;
    },
    async connect(options) {
      resolveOptions(options);
      const remote = worker();
      const port = hub.connect();
      const id = await remote.connect(Comlink.transfer(port as MessagePort, [port as MessagePort]), options);
      const handle: BridgeHandle = {
        state: () => remote.state(id),
        stats: () => remote.stats(id),
        grantPrivate: () => remote.grantPrivate(id),
        revokePrivate: () => remote.revokePrivate(id),
        grantStep: (step) => remote.grantStep(id, step),
        revokeStep: (step) => remote.revokeStep(id, step),
        close: async () => {
          open.delete(handle);
          await remote.close(id);
        },
      };
      open.add(handle);
      return handle;
    },
  };
}
