// The browser's view of the network: navigator.onLine, the online/offline events and, where Chromium offers
// it, navigator.connection's effective type.
import type { OutboxDeps } from './outbox';
import type { NetworkState } from './types';

interface NetworkInformation {
  effectiveType?: string;
}

export function browserNetwork(
  target: EventTarget = self,
): OutboxDeps['network'] & { state(): NetworkState } {
  return {
    online: () => navigator.onLine,
    state() {
      const c = (navigator as Navigator & { connection?: NetworkInformation }).connection;
      return { online: navigator.onLine, ...(c?.effectiveType ? { effectiveType: c.effectiveType } : {}) };
    },
    onChange(listener) {
      const on = () => listener(true);
      const off = () => listener(false);
      target.addEventListener('online', on);
      target.addEventListener('offline', off);
      return () => {
        target.removeEventListener('online', on);
        target.removeEventListener('offline', off);
      };
    },
  };
}
