// Entry of the embeddable script and of the npm package's module: dist-lib/runtime/sentio.mjs (what
// `import … from 'sentio'` gets) and sentio.js, the classic <script> that defines `window.Sentio`. Both carry
// the whole runtime (the front door, src/index.ts: createSentio, defineAgent, serveAgents …) plus `connect`,
// the bus alone for pages that need nothing else.
import { connectBus, type ConnectedBus } from './bus/hub-client';
import { builtRuntimeBase, startHub } from './bus/open-bus';
import type { EventMap } from './bus/types';
import { runtimeFiles } from './platform/runtime-files';

export * from './index';

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

/** Connects this page to a Sentio bus (starting its hub). */
export function connect<M extends EventMap = EventMap>(options: ConnectOptions = {}): EmbedBus<M> {
  const base = options.base !== undefined ? new URL(options.base, location.href) : undefined;
  const hub = startHub({ files: runtimeFiles(base, builtRuntimeBase()) });
  const bus = connectBus<M>({ name: options.name ?? 'embed', port: hub.connect() });
  const ready = Promise.race([bus.connected, ...(hub.failed ? [hub.failed] : [])]).then((hello) => ({
    ...hello,
    hub: hub.kind,
  }));
  return Object.assign(bus, { ready });
}
