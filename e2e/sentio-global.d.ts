import type { SentioGlobal } from '../src/app/sentio-global';

declare global {
  interface Window {
    sentio: SentioGlobal;
  }
}
