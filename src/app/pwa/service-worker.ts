// The service worker's behaviour (workers/sw.ts only wires it to the worker scope):
// - precache the app shell (the build's HTML, JS, CSS, icons, manifest) so the app opens offline;
// - answer every navigation with the cached index.html (its COOP/COEP headers are cached with it, so the
//   page stays cross-origin isolated offline);
// - cache models under /models/ the first time they are fetched (cache first: they are immutable and
//   large, and a model that was used once must work offline), in the model store's own cache, so that a
//   model is stored once whether the store or this worker put it there;
// - cache the WASM runtimes under /runtime/ (onnxruntime-web's and MediaPipe's .mjs/.js/.wasm) the same
//   way: without them no model runs offline. They are not precached: all variants are 158 MB, and a
//   device loads only the ones its backends use;
// - likewise the WASM the build bundles into assets/ (llama.cpp's for local text generation): cached the
//   first time it is used, never precached (tens of MB that most visits never load);
// - take control of the page on the first install (clientsClaim), so the first visit's model and runtime
//   loads already go through this worker and are cached; the page then fetches through it every model and
//   runtime it lacks (src/app/pwa/offline-warmup.ts), so one visit is enough to work offline;
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
import { clientsClaim } from 'workbox-core';
import { MODEL_CACHE } from '../../inference/model-store';
import { isPageToServiceWorker } from './sw-messages';

export { MODEL_CACHE };
export const RUNTIME_CACHE = 'sentio-runtime-v1';
export const BUNDLED_WASM_CACHE = 'sentio-bundled-wasm-v1';

/**
 * A file under /models/ or /runtime/ is the same bytes whoever asks. Servers send `Vary: Origin` (Vite's
 * preview does), and the same .mjs is asked for by import() (with an Origin header) and as a worker script
 * (without): matching on Vary missed the cached copy offline, and onnxruntime failed to start.
 */
export const IMMUTABLE = { ignoreVary: true } as const;

/** The parts of ServiceWorkerGlobalScope we use (the project's TS lib is DOM, not WebWorker). */
export interface ServiceWorkerScope {
  readonly registration: { readonly scope: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

function isUnder(folder: string, url: URL, scopeUrl: string): boolean {
  const base = new URL(folder, scopeUrl);
  return url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

export function isModelRequest(url: URL, scopeUrl: string): boolean {
  return isUnder('models/', url, scopeUrl);
}

export function isRuntimeRequest(url: URL, scopeUrl: string): boolean {
  return isUnder('runtime/', url, scopeUrl);
}

/** A .wasm file the build put in assets/ (its name carries its hash, so it never changes). */
export function isBundledWasmRequest(url: URL, scopeUrl: string): boolean {
  return isUnder('assets/', url, scopeUrl) && url.pathname.endsWith('.wasm');
}

export function installServiceWorker(scope: ServiceWorkerScope, precache: (string | PrecacheEntry)[]): void {
  precacheAndRoute(precache);
  cleanupOutdatedCaches();
  // An update never gets here before the user accepted it (it waits for SKIP_WAITING), so claiming only
  // takes pages that had no worker, or that are about to reload into the new version anyway.
  clientsClaim();
  registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
  registerRoute(
    ({ url }) => isModelRequest(url, scope.registration.scope),
    new CacheFirst({
      cacheName: MODEL_CACHE,
      matchOptions: IMMUTABLE,
      // A full disk must not break the app: on a quota error Workbox empties this cache instead.
      plugins: [new ExpirationPlugin({ maxEntries: 64, purgeOnQuotaError: true })],
    }),
  );
  registerRoute(
    ({ url }) => isRuntimeRequest(url, scope.registration.scope),
    new CacheFirst({
      cacheName: RUNTIME_CACHE,
      matchOptions: IMMUTABLE,
      plugins: [new ExpirationPlugin({ maxEntries: 32, purgeOnQuotaError: true })],
    }),
  );
  registerRoute(
    ({ url }) => isBundledWasmRequest(url, scope.registration.scope),
    new CacheFirst({
      cacheName: BUNDLED_WASM_CACHE,
      matchOptions: IMMUTABLE,
      plugins: [new ExpirationPlugin({ maxEntries: 8, purgeOnQuotaError: true })],
    }),
  );
  scope.addEventListener('message', (event) => {
    if (isPageToServiceWorker(event.data)) void scope.skipWaiting();
  });
}
