// What the page and the service worker say to each other. workbox-window's `messageSkipWaiting()` sends
// exactly `{ type: 'SKIP_WAITING' }`, so that tag is fixed by the library.
export type PageToServiceWorker = { type: 'SKIP_WAITING' };

export function isPageToServiceWorker(x: unknown): x is PageToServiceWorker {
  return typeof x === 'object' && x !== null && (x as { type?: unknown }).type === 'SKIP_WAITING';
}
