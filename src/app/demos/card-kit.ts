// Small pieces the demo cards share.
import type { Refinement } from './agents/topics';
import { el } from '../dom';
import { CAPABILITIES } from '../settings/consent-settings';

/** Puts `item` first in `list`, keeping at most `max` items. */
export function prependCapped(list: HTMLElement, item: HTMLElement, max: number): void {
  list.prepend(item);
  while (list.children.length > max) list.lastElementChild!.remove();
}

/** Grants one consent the way Settings does (the consent store writes the audit entry). */
export type GrantConsent = (key: { capability: string; endpoint: string }) => Promise<void>;

/**
 * How a refinement reads under the local answer it refines. One that stayed for want of consent offers that
 * one grant — exactly the capability and endpoint the router or the declassifier named, nothing broader.
 */
export function refinementLine(r: Refinement, grant?: GrantConsent): HTMLElement {
  if (r.status === 'refined') {
    // The router may have answered on the device's own text-generation model: say which, and why.
    const by =
      r.route === 'local'
        ? 'the local model'
        : r.route === 'hybrid'
          ? "the endpoint, replacing the local model's draft"
          : 'the endpoint';
    return el(
      'p',
      { className: 'refined', testId: 'refined', text: `Refined by ${by}: ${r.text}` },
      r.reason ? el('span', { className: 'meta', testId: 'route-reason', text: ` (${r.reason})` }) : '',
    );
  }
  const line = el('p', {
    className: 'kept-local',
    testId: 'kept-local',
    text: `Stayed on this device: ${r.reason}`,
  });
  if (r.needs && grant) line.append(' ', grantButton(r.needs, grant));
  return line;
}

function grantButton(key: { capability: string; endpoint: string }, grant: GrantConsent): HTMLElement {
  const what = CAPABILITIES.find((c) => c.capability === key.capability)?.what ?? key.capability;
  const button = el('button', {
    className: 'grant-consent',
    testId: 'grant-consent',
    text: `Allow ${key.capability} to "${key.endpoint}"`,
    attrs: {
      type: 'button',
      title: `Lets ${what} go to the endpoint "${key.endpoint}" from now on. Revoke it in Settings → Consent.`,
      'data-capability': key.capability,
      'data-endpoint': key.endpoint,
    },
  });
  button.addEventListener('click', () => {
    button.disabled = true;
    grant(key).then(
      () =>
        button.replaceWith(
          el('span', {
            testId: 'consent-granted',
            text: `Allowed: the next one may go to "${key.endpoint}".`,
          }),
        ),
      (err: Error) => {
        button.disabled = false;
        button.after(
          el('span', {
            className: 'missing',
            testId: 'consent-failed',
            text: ` Not allowed: ${err.message}`,
          }),
        );
      },
    );
  });
  return button;
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
