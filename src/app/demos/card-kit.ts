// Small pieces the demo cards share.
import type { Refinement } from './agents/topics';
import { el } from '../dom';

/** Puts `item` first in `list`, keeping at most `max` items. */
export function prependCapped(list: HTMLElement, item: HTMLElement, max: number): void {
  list.prepend(item);
  while (list.children.length > max) list.lastElementChild!.remove();
}

/** How a refinement reads under the local answer it refines. */
export function refinementLine(r: Refinement): HTMLElement {
  // The router may have answered on the device's own text-generation model: say which.
  const by = r.status === 'refined' && r.route === 'local' ? 'the local model' : 'the endpoint';
  return r.status === 'refined'
    ? el('p', { className: 'refined', testId: 'refined', text: `Refined by ${by}: ${r.text}` })
    : el('p', { className: 'kept-local', testId: 'kept-local', text: `Stayed on this device: ${r.reason}` });
}

export function timeOf(at: number): string {
  return new Date(at).toLocaleTimeString();
}

/** The line that says what a card waits for, or how it is doing. */
export function hintLine(testId: string, text: string): HTMLParagraphElement {
  return el('p', { className: 'summary', testId, text });
}

/** One entry of a card's feed: what the agent said, and where it came from. */
export function feedItem(testId: string, headline: string, meta: string): HTMLLIElement {
  return el(
    'li',
    { testId },
    el('p', { className: 'reaction', text: headline }),
    el('p', { className: 'meta', text: meta }),
  );
}
