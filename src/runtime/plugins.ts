// `sentio.plugins`: this runtime's plugin host, made on first use. Each plugin runs in its own sandboxed
// iframe (src/plugins/sandbox-frame.ts) under the grants its signed manifest asks for; only keys the page
// trusts may sign them.
import type { Bus } from '../bus/types';
import { createPluginHost, type PluginHost } from '../plugins/plugin-host';
import { createPluginStorage } from '../plugins/plugin-storage';
import { createSandbox } from '../plugins/sandbox-frame';
import type { TrustedKey } from '../plugins/signature';
import type { SentioDb } from '../storage/db';

/** Option `plugins` of createSentio. */
export interface SentioPluginsOptions {
  /** Keys whose signatures this runtime accepts. Default none: every plugin is refused (SignatureError). */
  trust?: readonly TrustedKey[];
  /** Where the sandboxes' (hidden) iframes go. Default: a hidden element added to `document.body`. */
  container?: HTMLElement;
}

/** Starts, stops and inspects plugins; `close()` of the runtime stops them all. */
export type SentioPlugins = Omit<PluginHost, 'close'>;

export function lazyPluginHost(
  bus: Bus,
  db: SentioDb,
  o: SentioPluginsOptions,
  alive: () => void,
): { plugins: SentioPlugins; close(): void } {
  let host: PluginHost | null = null;
  let own: HTMLElement | null = null;
  const get = (): PluginHost => {
    alive();
    if (host) return host;
    let container = o.container;
    if (!container) {
      own = document.createElement('div');
      own.hidden = true;
      own.dataset.sentio = 'plugins';
      document.body.append(own);
      container = own;
    }
    const where = container;
    host = createPluginHost({
      bus,
      trust: o.trust ?? [],
      sandbox: (spec) => createSandbox(where, spec),
      storage: createPluginStorage(db),
    });
    return host;
  };
  return {
    plugins: {
      start: (pkg, grants) => get().start(pkg, grants),
      get: (id) => host?.get(id),
      stop: (id) => host?.stop(id),
      stats: () => host?.stats() ?? { plugins: [], failureRate: 0 },
    },
    close() {
      host?.close();
      host = null;
      own?.remove();
      own = null;
    },
  };
}
