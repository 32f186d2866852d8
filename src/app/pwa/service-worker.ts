// The service worker's behaviour (workers/sw.ts only wires it to the worker scope):
// - precache the app shell (the build's HTML, JS, CSS, icons, manifest) so the app opens offline;
// - answer every navigation with the cached index.html (its COOP/COEP headers are cached with it, so the
//   page stays cross-origin isolated offline);
// - cache models under /models/ the first time they are fetched (cache first: they are immutable and
//   large, and a model that was used once must work offline);
// - wait for the page's consent before replacing a running version (the "new version available" prompt).
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
  type PrecacheEntry,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { isPageToServiceWorker } from './sw-messages';

export const MODEL_CACHE = 'sentio-models';

/** The parts of ServiceWorkerGlobalScope we use (the project's TS lib is DOM, not WebWorker). */
export interface ServiceWorkerScope {
  readonly registration: { readonly scope: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function isModelRequest(url: URL, scopeUrl: string): boolean {
  const models = new URL('models/', scopeUrl);
  return url.origin === models.origin && url.pathname.startsWith(models.pathname);
}

export function installServiceWorker(scope: ServiceWorkerScope, precache: (string | PrecacheEntry)[]): void {
  precacheAndRoute(precache);
  cleanupOutdatedCaches();
  registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
  registerRoute(
    ({ url }) => isModelRequest(url, scope.registration.scope),
    new CacheFirst({
      cacheName: MODEL_CACHE,
      // A full disk must not break the app: on a quota error Workbox empties this cache instead.
      plugins: [new ExpirationPlugin({ maxEntries: 64, purgeOnQuotaError: true })],
    }),
  );
  scope.addEventListener('message', (event) => {
    if (isPageToServiceWorker(event.data)) void scope.skipWaiting();
  });
}
