// Settings: where telemetry is exported (an OTLP/HTTP collector URL, validated and kept in the settings
// table), the router's cloud endpoints, consent, privacy defaults and cost caps, and the local models.
import type { SentioDb, Routing } from '../../index';
import { el, section } from '../dom';
import { consentSettings } from './consent-settings';
import { endpointSettings } from './endpoint-settings';
import { localModelSettings, type LocalModelSource } from './local-model-settings';
import { modelSettings } from './model-settings';
import { privacySettings } from './privacy-settings';
import { telemetryConsent } from './telemetry-consent';

export const OTLP_URL_KEY = 'telemetry.otlpUrl';

/** An empty value turns export off; anything else must be an http(s) URL. */
export function otlpUrlProblem(value: string): string | null {
  if (value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `"${value}" is not a URL (expected e.g. http://127.0.0.1:4318/v1/traces)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `the collector URL must be http(s), not ${url.protocol}`;
  return null;
}

/**
 * Without `routing` (the router did not start) the router's sections say so instead of offering controls;
 * without `localModels` there is no local text-model section.
 */
export function createSettingsPanel(
  db: SentioDb,
  routing?: Routing,
  localModels?: LocalModelSource,
): HTMLElement {
  const input = el('input', {
    testId: 'otlp-url',
    attrs: {
      type: 'url',
      placeholder: 'http://127.0.0.1:4318/v1/traces',
      'aria-label': 'OTLP collector URL',
    },
  });
  const save = el('button', { text: 'Save', testId: 'otlp-save', attrs: { type: 'button' } });
  const message = el('p', { className: 'field-message', testId: 'otlp-message', attrs: { role: 'status' } });
  const consentStep = telemetryConsent(routing?.consent);
  // Disabled until the stored value is in, so a value typed meanwhile is not overwritten by the load.
  input.disabled = save.disabled = true;
  void db.settings
    .get(OTLP_URL_KEY)
    .then(
      (row) => consentStep.show((input.value = typeof row?.value === 'string' ? row.value : '')),
      (err: Error) => (message.textContent = `Settings could not be read: ${err.message}`),
    )
    .finally(() => (input.disabled = save.disabled = false));
  save.addEventListener('click', () => {
    const problem = otlpUrlProblem(input.value);
    if (problem) {
      message.textContent = problem;
      message.className = 'field-message missing';
      return;
    }
    db.settings.put({ key: OTLP_URL_KEY, value: input.value.trim() }).then(
      () => {
        message.textContent = input.value.trim()
          ? 'Saved: spans are exported there once you allow it below.'
          : 'Saved: export is off.';
        message.className = 'field-message ok';
        consentStep.show(input.value.trim());
      },
      (err: Error) => {
        message.textContent = `Not saved: ${err.message}`;
        message.className = 'field-message missing';
      },
    );
  });
  const router = routing
    ? [endpointSettings(routing), consentSettings(routing), privacySettings(routing)]
    : [
        el('p', {
          className: 'field-message missing',
          testId: 'router-settings-missing',
          text: 'Cloud endpoints, consent and cost caps are unavailable: the router did not start (see the status bar).',
        }),
      ];
  return section(
    'Settings',
    'settings',
    el('h3', { text: 'Telemetry' }),
    el('label', { text: 'OTLP/HTTP collector (traces)' }),
    el('div', { className: 'toolbar' }, input, save),
    message,
    consentStep.element,
    ...router,
    modelSettings(),
    localModels ? localModelSettings(localModels).element : '',
  );
}
