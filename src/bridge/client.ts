// The page's side of the bridge: `bridge.connect(options)` checks the options here (a bad one throws at
// once, naming what is wrong), starts the bridge worker on first use and gives each bridge its own hub port.
import * as Comlink from 'comlink';
import type { HubConnection } from '../bus/open-bus';
import { resolveOptions } from './options';
import type { BridgeService } from './service';
import type { BridgeOptions, BridgeState, BridgeStats } from './types';

export interface BridgeHandle {
  state(): Promise<BridgeState>;
  stats(): Promise<BridgeStats>;
  /** Consent for `private` events to this server; revoking stops them at once. */
  grantPrivate(): Promise<void>;
  revokePrivate(): Promise<void>;
  close(): Promise<void>;
}

export interface BridgeApi {
  connect(options: BridgeOptions): Promise<BridgeHandle>;
}

export function createBridgeApi(hub: HubConnection): BridgeApi {
  let service: Comlink.Remote<BridgeService> | null = null;
  const worker = () =>
    (service ??= Comlink.wrap<BridgeService>(
      new Worker(new URL('../../workers/bridge.worker.ts', import.meta.url), {
        type: 'module',
        name: 'sentio-bridge',
      }),
    ));
  return {
    async connect(options) {
      resolveOptions(options);
      const remote = worker();
      const port = hub.connect();
      const id = await remote.connect(Comlink.transfer(port as MessagePort, [port as MessagePort]), options);
      return {
        state: () => remote.state(id),
        stats: () => remote.stats(id),
        grantPrivate: () => remote.grantPrivate(id),
        revokePrivate: () => remote.revokePrivate(id),
        close: () => remote.close(id),
      };
    },
  };
}
