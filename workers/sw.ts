// Service worker entry (built by vite-plugin-pwa's injectManifest; the build replaces __WB_MANIFEST).
import type { PrecacheEntry } from 'workbox-precaching';
import { installServiceWorker, type ServiceWorkerScope } from '../src/app/pwa/service-worker';

declare const self: ServiceWorkerScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

installServiceWorker(self, self.__WB_MANIFEST);
