// Consent in Settings: one switch per capability and endpoint, straight onto the ConsentStore — so turning one
// off revokes at once and aborts whatever request is in flight under it (the store owns that), and writes
// the audit entry. Kept in step with changes made elsewhere (another tab, the console).
import { consentId, type ConsentKey, DECLASSIFY_STEPS, type Routing } from '../../index';
import { el } from '../dom';
import { say, settingsGroup } from './form';

/** What each capability lets leave the device. */
export const CAPABILITIES: readonly { capability: string; what: string }[] = [
  { capability: 'cloud.chat', what: 'questions and answers as text (chat)' },
  { capability: 'cloud.embeddings', what: 'text to be turned into embeddings' },
  ...DECLASSIFY_STEPS.map((s) => ({ capability: s.capability, what: s.description })),
];

export function consentSettings(routing: Routing): HTMLElement {
  const table = el('table', { className: 'consent', testId: 'consent-table' });
  const message = el('p', {
    className: 'field-message',
    testId: 'consent-message',
    attrs: { role: 'status' },
  });
  const boxes = new Map<string, HTMLInputElement>();

  function toggle(key: ConsentKey): HTMLInputElement {
    const box = el('input', {
      testId: `consent-${key.capability}-${key.endpoint}`,
      attrs: { type: 'checkbox', 'aria-label': `${key.capability} to ${key.endpoint}` },
    });
    box.checked = routing.consent.isGranted(key);
    box.addEventListener('change', () => {
      const granting = box.checked;
      box.disabled = true;
      (granting ? routing.consent.grant(key) : routing.consent.revoke(key))
        .then(
          () =>
            say(
              message,
              granting
                ? `Granted ${key.capability} to "${key.endpoint}".`
                : `Revoked ${key.capability} to "${key.endpoint}": requests in flight were stopped.`,
              true,
            ),
          (err: Error) => {
            box.checked = routing.consent.isGranted(key);
            say(message, `Not changed: ${err.message}`, false);
          },
        )
        .finally(() => (box.disabled = false));
    });
    boxes.set(consentId(key), box);
    return box;
  }

  function render(): void {
    boxes.clear();
    const endpoints = routing.settings().endpoints.map((e) => e.id);
    if (endpoints.length === 0) {
      table.replaceChildren(
        el('caption', { text: 'No endpoint is configured: nothing can leave the device.' }),
      );
      return;
    }
    table.replaceChildren(
      el(
        'thead',
        {},
        el('tr', {}, el('th', { text: 'May send…' }), ...endpoints.map((id) => el('th', { text: id }))),
      ),
      el(
        'tbody',
        {},
        ...CAPABILITIES.map(({ capability, what }) =>
          el(
            'tr',
            {},
            el(
              'th',
              { attrs: { scope: 'row' } },
              el('code', { text: capability }),
              el('span', { className: 'what', text: ` ${what}` }),
            ),
            ...endpoints.map((endpoint) => el('td', {}, toggle({ capability, endpoint }))),
          ),
        ),
      ),
    );
  }

  routing.onChange(render);
  routing.consent.onChange((key, granted) => {
    const box = boxes.get(consentId(key));
    if (box) box.checked = granted;
  });

  return settingsGroup(
    'Consent',
    'consent-settings',
    'Nothing leaves this device without your consent for that kind of data and that endpoint. Raw camera and microphone data never leave. Turning a switch off stops requests in flight at once.',
    table,
    message,
  );
}
