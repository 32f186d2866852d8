// Registers the service worker and turns Workbox's lifecycle into two questions for the UI: "the app now
// works offline" and "a new version is waiting: reload now?". A new version never replaces the running one
// by itself, because that would reload the page under the user's feet.
import { Workbox } from 'workbox-window';

export interface ServiceWorkerCallbacks {
  /** A new version is installed and waiting; call `activate()` when the user accepts (the page reloads). */
  onUpdateReady(activate: () => void): void;
  /** The first version finished installing: everything the app needs is cached. */
  onOfflineReady(): void;
  onError(error: Error): void;
}

export type ServiceWorkerStatus =
  { status: 'unsupported'; reason: string } | { status: 'registered'; workbox: Workbox };

export function registerServiceWorker(
  scriptUrl: string,
  callbacks: ServiceWorkerCallbacks,
  reload: () => void = () => location.reload(),
): ServiceWorkerStatus {
  if (!('serviceWorker' in navigator)) {
    return {
      status: 'unsupported',
      reason: 'this browser has no service workers (or the page is not secure)',
    };
  }
  const workbox = new Workbox(scriptUrl);
  workbox.addEventListener('waiting', () => {
    callbacks.onUpdateReady(() => {
      workbox.addEventListener('controlling', () => reload());
      workbox.messageSkipWaiting();
    });
  });
  workbox.addEventListener('installed', (event) => {
    if (!event.isUpdate) callbacks.onOfflineReady();
  });
  workbox
    .register()
    .catch((err: unknown) => callbacks.onError(err instanceof Error ? err : new Error(String(err))));
  return { status: 'registered', workbox };
}
