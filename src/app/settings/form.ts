// Small form building blocks for the settings: a labelled field with its own error line, and showing a
// validation result (every problem next to the field it names, the rest in the form's message).
import { el, type Child } from '../dom';
import type { FieldProblem } from '../../index';

export interface Field<E extends HTMLInputElement | HTMLSelectElement = HTMLInputElement> {
  row: HTMLElement;
  input: E;
  error: HTMLElement;
}

export function inputField(
  key: string,
  label: string,
  testPrefix: string,
  attrs: Record<string, string> = {},
): Field {
  const input = el('input', { testId: `${testPrefix}-${key}`, attrs: { name: key, ...attrs } });
  return labelled(key, label, testPrefix, input);
}

export function selectField(
  key: string,
  label: string,
  testPrefix: string,
  options: readonly (readonly [value: string, text: string])[],
): Field<HTMLSelectElement> {
  const select = el(
    'select',
    { testId: `${testPrefix}-${key}`, attrs: { name: key } },
    ...options.map(([value, text]) => el('option', { text, attrs: { value } })),
  );
  return labelled(key, label, testPrefix, select);
}

function labelled<E extends HTMLInputElement | HTMLSelectElement>(
  key: string,
  label: string,
  testPrefix: string,
  input: E,
): Field<E> {
  const id = `${testPrefix}-${key}`;
  input.id = id;
  const error = el('span', { className: 'field-error', testId: `${testPrefix}-error-${key}` });
  error.id = `${id}-error`;
  input.setAttribute('aria-describedby', error.id);
  const row = el(
    'div',
    { className: 'form-row' },
    el('label', { text: label, attrs: { for: id } }),
    input,
    error,
  );
  return { row, input, error };
}

/** Puts each problem beside its field; problems of no known field go to `message`. Clears the rest. */
export function showProblems(
  fields: Record<string, Field<HTMLInputElement | HTMLSelectElement>>,
  problems: readonly FieldProblem[],
  message: HTMLElement,
): void {
  for (const f of Object.values(fields)) {
    f.error.textContent = '';
    f.input.removeAttribute('aria-invalid');
  }
  const loose: string[] = [];
  for (const p of problems) {
    const f = fields[p.field];
    if (!f) {
      loose.push(p.message);
      continue;
    }
    f.error.textContent = f.error.textContent ? `${f.error.textContent}; ${p.message}` : p.message;
    f.input.setAttribute('aria-invalid', 'true');
  }
  const all = problems.map((p) => p.message);
  message.textContent = problems.length ? `Not saved: ${(loose.length ? loose : all).join('; ')}` : '';
  message.className = problems.length ? 'field-message missing' : 'field-message';
}

export function say(message: HTMLElement, text: string, ok: boolean): void {
  message.textContent = text;
  message.className = `field-message ${ok ? 'ok' : 'missing'}`;
}

/** A number field's text as the schema expects it: empty → null (no value), else a number (NaN if not one). */
export function numberOrNull(text: string): number | null {
  return text.trim() === '' ? null : Number(text.trim());
}

/** One titled group of settings, with a line saying what it is for. */
export function settingsGroup(
  title: string,
  testId: string,
  summary: string | null,
  ...children: Child[]
): HTMLElement {
  return el(
    'div',
    { className: 'settings-group', testId },
    el('h3', { text: title }),
    summary ? el('p', { className: 'summary', text: summary }) : null,
    ...children,
  );
}
