// Starts the bus hub for an embedding page. Self-hosted (Sentio's files on the page's own origin), it is the
// same SharedWorker the app uses: one hub for every tab of the site. From another origin a SharedWorker
// cannot be shared (each Blob bootstrap URL is unique, so each tab would get its own), so the hub runs in a
// dedicated worker per tab, and those hubs already exchange events over a BroadcastChannel of the page's
// origin: tabs of the host site still share one bus.
import type { HubConnection } from '../bus/open-bus';
import type { HubHostMessage } from '../bus/thread-messages';
import { HubLoadError, moduleWorkerUrl } from './cross-origin-worker';

export interface HubScripts {
  shared: URL;
  dedicated: URL;
}

export interface EmbedHub extends HubConnection {
  /** Rejects with a HubLoadError when the hub's script cannot be loaded (e.g. no CORS on our server). */
  readonly failed: Promise<never>;
}

export function startEmbedHub(scripts: HubScripts, pageOrigin: string): EmbedHub {
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {}); // only observed by whoever races it

  if (scripts.shared.origin === pageOrigin && typeof SharedWorker === 'function') {
    const connect = (): MessagePort => {
      const worker = new SharedWorker(scripts.shared.href, { type: 'module', name: 'sentio-bus' });
      worker.addEventListener('error', () => fail(new HubLoadError(scripts.shared.href, false)));
      return worker.port;
    };
    return { kind: 'shared', connect, failed };
  }

  const { url, bootstrapped } = moduleWorkerUrl(scripts.dedicated, pageOrigin);
  const worker = new Worker(url, { type: 'module', name: 'sentio-bus' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    fail(new HubLoadError(scripts.dedicated.href, bootstrapped));
  });
  return {
    kind: 'dedicated',
    failed,
    connect() {
      const ch = new MessageChannel();
      worker.postMessage({ type: 'sentio.hub.connect', port: ch.port2 } satisfies HubHostMessage, [ch.port2]);
      return ch.port1;
    },
  };
}
