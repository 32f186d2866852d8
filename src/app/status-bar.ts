// One line that says what is wrong right now, in words: offline, the hub not answering, the service
// worker failing, an error nobody caught. Messages are keyed so a fixed problem clears its own message.
import { el } from './dom';

export interface StatusBar {
  readonly element: HTMLElement;
  set(key: string, message: string, level: 'info' | 'error'): void;
  clear(key: string): void;
}

export function createStatusBar(): StatusBar {
  const list = el('ul', { className: 'status-bar', testId: 'status-bar', attrs: { 'aria-live': 'polite' } });
  const items = new Map<string, HTMLLIElement>();
  const bar: StatusBar = {
    element: list,
    set(key, message, level) {
      let li = items.get(key);
      if (!li) {
        li = el('li', { testId: `status-${key}` });
        items.set(key, li);
        list.append(li);
      }
      li.textContent = message;
      li.className = level === 'error' ? 'missing' : 'info';
    },
    clear(key) {
      items.get(key)?.remove();
      items.delete(key);
    },
  };
  return bar;
}

/** Keeps the bar's "network" entry in step with the browser's online state. */
export function watchNetwork(bar: StatusBar, target: Window = window): void {
  const update = () => {
    if (target.navigator.onLine) bar.clear('network');
    else
      bar.set(
        'network',
        'You are offline. The app keeps working on this device; cloud features wait.',
        'info',
      );
  };
  target.addEventListener('online', update);
  target.addEventListener('offline', update);
  update();
}

/**
 * Browser notices that arrive as error events but report no failure: "ResizeObserver loop completed with
 * undelivered notifications" only says a resize callback changed layout again, and the rest is delivered
 * on the next frame (the spec's own words).
 */
export function isBenignNotice(message: string): boolean {
  return /^ResizeObserver loop (completed with undelivered notifications|limit exceeded)/.test(message);
}

/** Errors nobody handled are shown, not only logged to a console the user never opens. */
export function watchUncaughtErrors(bar: StatusBar, target: Window = window): void {
  target.addEventListener('error', (e) => {
    if (!isBenignNotice(e.message)) bar.set('uncaught', `Something failed: ${e.message}`, 'error');
  });
  target.addEventListener('unhandledrejection', (e) => {
    const reason = e.reason as { message?: unknown } | undefined;
    bar.set('uncaught', `Something failed: ${String(reason?.message ?? e.reason)}`, 'error');
  });
}
