// Privacy defaults and cost caps in Settings: PII redaction for every endpoint, the label of requests that
// carry none, and the global daily / per-session caps the router checks before every cloud call.
import { type Routing, BudgetSettingsSchema, parseWith, PrivacyDefaultsSchema } from '../../index';
import { el } from '../dom';
import { inputField, numberOrNull, say, selectField, showProblems, type Field, settingsGroup } from './form';

const P = 'privacy';

export function privacySettings(routing: Routing): HTMLElement {
  const redact = el('input', {
    testId: 'privacy-redactPii',
    attrs: { type: 'checkbox', id: 'privacy-redactPii' },
  });
  const fields = {
    defaultLabel: selectField('defaultLabel', 'Label of requests that carry none', P, [
      ['private', 'private (may go only to trusted endpoints)'],
      ['public', 'public'],
    ]),
    perDay: inputField('perDay', 'Daily cost cap (empty: none)', P, { inputmode: 'decimal' }),
    perSession: inputField('perSession', 'Session cost cap (empty: none)', P, { inputmode: 'decimal' }),
  };
  const message = el('p', {
    className: 'field-message',
    testId: 'privacy-message',
    attrs: { role: 'status' },
  });
  const save = el('button', { text: 'Save', testId: 'privacy-save', attrs: { type: 'button' } });

  function render(): void {
    const s = routing.settings();
    redact.checked = s.privacy.redactPii;
    fields.defaultLabel.input.value = s.privacy.defaultLabel;
    fields.perDay.input.value = s.budget.perDay === null ? '' : String(s.budget.perDay);
    fields.perSession.input.value = s.budget.perSession === null ? '' : String(s.budget.perSession);
  }

  save.addEventListener('click', () => {
    const privacy = parseWith(PrivacyDefaultsSchema, {
      redactPii: redact.checked,
      defaultLabel: fields.defaultLabel.input.value,
    });
    const budget = parseWith(BudgetSettingsSchema, {
      perDay: numberOrNull(fields.perDay.input.value),
      perSession: numberOrNull(fields.perSession.input.value),
    });
    const problems = [...(privacy.ok ? [] : privacy.problems), ...(budget.ok ? [] : budget.problems)];
    showProblems(fields as Record<string, Field<HTMLInputElement | HTMLSelectElement>>, problems, message);
    if (!privacy.ok || !budget.ok) return;
    routing.apply({ ...routing.settings(), privacy: privacy.value, budget: budget.value }).then(
      () => say(message, 'Saved and applied.', true),
      (err: Error) => say(message, `Not applied: ${err.message}`, false),
    );
  });
  routing.onChange(render);

  return settingsGroup(
    'Privacy defaults and cost caps',
    'privacy-settings',
    null,
    el(
      'div',
      { className: 'form-row' },
      el(
        'label',
        { attrs: { for: redact.id } },
        redact,
        ' Mask e-mail addresses, phone and card numbers in everything sent',
      ),
    ),
    ...Object.values(fields).map((f) => f.row),
    save,
    message,
  );
}
