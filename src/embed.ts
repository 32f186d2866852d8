// Entry of the embeddable script (dist-embed/sentio.mjs as an ES module, dist-embed/sentio.js as a classic
// <script> that defines `window.Sentio`). It exposes what exists today: connect, then publish / subscribe /
// request / reply on the bus. Agents (defineAgent) and inference (infer) join when those parts land.
import dedicatedHubPath from '../workers/bus.dedicated.ts?worker&url';
import sharedHubPath from '../workers/bus.shared.ts?worker&url';
import { connectBus, type ConnectedBus } from './bus/hub-client';
import { startEmbedHub } from './embed/embed-hub';
import type { EventMap } from './bus/types';

export { HubLoadError } from './embed/cross-origin-worker';
export { policies } from './bus/policy';
export { BusClosedError, RequestTimeoutError } from './bus/types';
export type { SentioEvent } from './events/event';

export interface ConnectOptions {
  /** Becomes `source` of what this page publishes. Default "embed". */
  name?: string;
  /**
   * Where Sentio's files are (the folder holding sentio.js and assets/). Defaults to where this script
   * was loaded from. Point it at your own origin to self-host them.
   */
  base?: string | URL;
}

export type EmbedBus<M extends EventMap = EventMap> = Pick<
  ConnectedBus<M>,
  'name' | 'publish' | 'subscribe' | 'request' | 'reply' | 'stats' | 'flush' | 'close'
> & {
  /** Resolves when the hub has welcomed this page; rejects with HubLoadError when the hub cannot start. */
  readonly ready: Promise<{ hubId: string; connections: number; hub: 'shared' | 'dedicated' }>;
};

/**
 * The build turns the `?worker&url` imports into URLs resolved against this script's own URL when it loads
 * (`document.currentScript` for the classic script, `import.meta.url` for the module), so by default the
 * hub is loaded from wherever the script came from. `base` moves it: the same file names under `base`.
 */
function hubScript(builtUrl: string, base: ConnectOptions['base']): URL {
  const built = new URL(builtUrl, location.href);
  if (base === undefined) return built;
  const file = built.pathname.slice(built.pathname.lastIndexOf('/') + 1);
  return new URL(`assets/${file}`, new URL(base, location.href));
}

/** Connects this page to a Sentio bus (starting its hub). */
export function connect<M extends EventMap = EventMap>(options: ConnectOptions = {}): EmbedBus<M> {
  const hub = startEmbedHub(
    { shared: hubScript(sharedHubPath, options.base), dedicated: hubScript(dedicatedHubPath, options.base) },
    location.origin,
  );
  const bus = connectBus<M>({ name: options.name ?? 'embed', port: hub.connect() });
  const ready = Promise.race([bus.connected, hub.failed]).then((hello) => ({ ...hello, hub: hub.kind }));
  return Object.assign(bus, { ready });
}
