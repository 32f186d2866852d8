// The consent step for the saved OTLP collector: spans leave the device only once the person ticks this for
// that very collector (its URL is the endpoint of the `telemetry` consent). Unticking revokes at once: the
// export in flight is aborted and nothing more is sent. Kept in step with changes from other tabs.
import { type ConsentStore, telemetryConsentKey } from '../../index';
import { el } from '../dom';
import { say } from './form';

export interface TelemetryConsent {
  element: HTMLElement;
  /** The collector now saved ('' for none). */
  show(collectorUrl: string): void;
}

export function telemetryConsent(consent: ConsentStore | undefined): TelemetryConsent {
  const box = el('input', {
    testId: 'telemetry-consent',
    attrs: { type: 'checkbox', 'aria-label': 'Send traces to this collector' },
  });
  const text = el('span', { testId: 'telemetry-consent-label' });
  const label = el('label', {}, box, text);
  const message = el('p', {
    className: 'field-message',
    testId: 'telemetry-consent-message',
    attrs: { role: 'status' },
  });
  const element = el('div', { testId: 'telemetry-consent-step' }, label, message);
  element.hidden = true;
  let url = '';

  const key = () => telemetryConsentKey(url);
  const sync = () => (box.checked = !!consent && url !== '' && consent.isGranted(key()));

  box.addEventListener('change', () => {
    if (!consent || !url) return;
    const granting = box.checked;
    box.disabled = true;
    (granting ? consent.grant(key()) : consent.revoke(key()))
      .then(
        () =>
          say(
            message,
            granting
              ? `Spans go to ${url} from now on; each export is in the audit log.`
              : `Stopped: nothing more goes to ${url}.`,
            true,
          ),
        (err: Error) => {
          sync();
          say(message, `Not changed: ${err.message}`, false);
        },
      )
      .finally(() => (box.disabled = false));
  });
  consent?.onChange((changed) => {
    if (url && changed.capability === key().capability && changed.endpoint === key().endpoint) sync();
  });

  return {
    element,
    show(next) {
      url = next;
      element.hidden = next === '';
      message.textContent = '';
      text.textContent = consent
        ? ` Send traces (stage timings; names of local events stay on the device) to ${next}`
        : ' Traces cannot be sent: the consent store did not start (see the status bar).';
      box.disabled = !consent;
      if (next) sync();
    },
  };
}
