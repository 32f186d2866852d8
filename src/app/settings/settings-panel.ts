// Settings. Today: where telemetry is exported (an OTLP/HTTP collector URL, validated and kept in the
// settings table). Endpoints, consent, privacy defaults and models join when the router, privacy and
// inference parts are merged: their sections say so rather than offering controls that do nothing.
import type { SentioDb } from '../../storage/db';
import { el, section } from '../dom';

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

export function createSettingsPanel(db: SentioDb): HTMLElement {
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
  // Disabled until the stored value is in, so a value typed meanwhile is not overwritten by the load.
  input.disabled = save.disabled = true;
  void db.settings
    .get(OTLP_URL_KEY)
    .then(
      (row) => (input.value = typeof row?.value === 'string' ? row.value : ''),
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
          ? 'Saved: spans will be exported there.'
          : 'Saved: export is off.';
        message.className = 'field-message ok';
      },
      (err: Error) => {
        message.textContent = `Not saved: ${err.message}`;
        message.className = 'field-message missing';
      },
    );
  });
  const later = (title: string, what: string) =>
    el('div', { className: 'setting-later' }, el('h3', { text: title }), el('p', { text: what }));
  return section(
    'Settings',
    'settings',
    el('h3', { text: 'Telemetry' }),
    el('label', { text: 'OTLP/HTTP collector (traces)' }),
    el('div', { className: 'toolbar' }, input, save),
    message,
    later('Cloud endpoints', 'Arrives with the router: OpenAI-compatible endpoints, keys and budgets.'),
    later(
      'Consent and privacy defaults',
      'Arrives with the privacy part: per-capability consent, revocable.',
    ),
    later('Models', 'Arrives with inference: local models with download progress and cache size.'),
  );
}
