// Cloud endpoints in Settings: the saved ones (pick the one in use, or none: local only; remove), and a form
// to add or replace one. Applied at once through routing.apply — no reload.
import {
  type Routing,
  isDevelopment,
  parseEndpoint,
  type EndpointSettings,
  type RouterSettings,
} from '../../index';
import { DEV_ENDPOINT_LABEL } from '../router/router-panel';
import { el } from '../dom';
import { inputField, numberOrNull, say, selectField, showProblems, type Field, settingsGroup } from './form';

const P = 'endpoint';

function endpointFields() {
  return {
    id: inputField('id', 'Name', P, { placeholder: 'my-server', autocomplete: 'off' }),
    baseUrl: inputField('baseUrl', 'Base URL', P, { type: 'url', placeholder: 'http://127.0.0.1:11434' }),
    model: inputField('model', 'Model', P, { placeholder: 'llama3.1:8b' }),
    transcriptionModel: inputField('transcriptionModel', 'Transcription model (optional)', P, {
      placeholder: 'whisper-1',
    }),
    embeddingModel: inputField('embeddingModel', 'Embedding model (optional)', P),
    apiKey: inputField('apiKey', 'API key (kept in this browser; prefer a proxy)', P, {
      type: 'password',
      autocomplete: 'off',
    }),
    proxyUrl: inputField('proxyUrl', 'or proxy URL (adds the key itself)', P, { type: 'url' }),
    costPer1kTokens: inputField('costPer1kTokens', 'Cost per 1k tokens', P, {
      inputmode: 'decimal',
      value: '0',
    }),
    clearance: selectField('clearance', 'Privacy clearance', P, [
      ['public', 'third-party: public data only'],
      ['private', 'trusted (self-hosted): private data too'],
    ]),
  };
}

function formValue(f: ReturnType<typeof endpointFields>): Record<string, unknown> {
  const text = (k: keyof typeof f) => f[k].input.value;
  const cost = numberOrNull(text('costPer1kTokens'));
  return {
    id: text('id'),
    baseUrl: text('baseUrl'),
    model: text('model'),
    transcriptionModel: text('transcriptionModel'),
    embeddingModel: text('embeddingModel'),
    apiKey: text('apiKey'),
    proxyUrl: text('proxyUrl').trim(),
    // An empty cost is a missing cost, not zero.
    costPer1kTokens: cost === null ? undefined : cost,
    clearance: text('clearance'),
  };
}

function fill(f: ReturnType<typeof endpointFields>, e: EndpointSettings): void {
  f.id.input.value = e.id;
  f.baseUrl.input.value = e.baseUrl;
  f.model.input.value = e.model;
  f.transcriptionModel.input.value = e.transcriptionModel ?? '';
  f.embeddingModel.input.value = e.embeddingModel ?? '';
  f.apiKey.input.value = e.apiKey ?? '';
  f.proxyUrl.input.value = e.proxyUrl ?? '';
  f.costPer1kTokens.input.value = String(e.costPer1kTokens);
  f.clearance.input.value = e.clearance;
}

export function upsertEndpoint(s: RouterSettings, e: EndpointSettings): RouterSettings {
  const others = s.endpoints.filter((x) => x.id !== e.id);
  return { ...s, endpoints: [...others, e], active: e.id };
}

export function endpointSettings(routing: Routing): HTMLElement {
  const fields = endpointFields();
  const message = el('p', {
    className: 'field-message',
    testId: 'endpoint-message',
    attrs: { role: 'status' },
  });
  const list = el('ul', { className: 'endpoint-list', testId: 'endpoint-list' });
  const save = el('button', { text: 'Save and use', testId: 'endpoint-save', attrs: { type: 'button' } });

  async function apply(next: RouterSettings, done: string): Promise<void> {
    try {
      await routing.apply(next);
      say(message, done, true);
    } catch (err) {
      say(message, `Not applied: ${(err as Error).message}`, false);
    }
  }

  function choice(id: string | null, text: string, s: RouterSettings): HTMLElement {
    const radio = el('input', {
      testId: `endpoint-use-${id ?? 'none'}`,
      attrs: { type: 'radio', name: 'endpoint-active', 'aria-label': `use ${id ?? 'no endpoint'}` },
    });
    radio.checked = s.active === id;
    radio.addEventListener('change', () => {
      if (radio.checked)
        void apply({ ...routing.settings(), active: id }, id ? `Using "${id}".` : 'Local only: no endpoint.');
    });
    return el('label', {}, radio, ` ${text}`);
  }

  function render(): void {
    const s = routing.settings();
    list.replaceChildren(
      el('li', {}, choice(null, 'none — run local only', s)),
      ...s.endpoints.map((e) => {
        const edit = el('button', { text: 'Edit', attrs: { type: 'button' } });
        edit.addEventListener('click', () => fill(fields, e));
        const remove = el('button', {
          text: 'Remove',
          testId: `endpoint-remove-${e.id}`,
          attrs: { type: 'button' },
        });
        remove.addEventListener('click', () => {
          const cur = routing.settings();
          void apply(
            {
              ...cur,
              endpoints: cur.endpoints.filter((x) => x.id !== e.id),
              active: cur.active === e.id ? null : cur.active,
            },
            `Removed "${e.id}".`,
          );
        });
        return el(
          'li',
          { testId: `endpoint-item-${e.id}` },
          choice(e.id, `${e.id} — ${e.proxyUrl || e.baseUrl}`, s),
          isDevelopment(e) ? el('span', { className: 'dev-label', text: ` (${DEV_ENDPOINT_LABEL})` }) : null,
          ' ',
          edit,
          remove,
        );
      }),
    );
  }

  save.addEventListener('click', () => {
    const parsed = parseEndpoint(formValue(fields));
    showProblems(
      fields as Record<string, Field<HTMLInputElement | HTMLSelectElement>>,
      parsed.ok ? [] : parsed.problems,
      message,
    );
    if (!parsed.ok) return;
    void apply(upsertEndpoint(routing.settings(), parsed.value), `Saved "${parsed.value.id}" and using it.`);
  });
  routing.onChange(render);

  return settingsGroup(
    'Cloud endpoints',
    'endpoint-settings',
    'OpenAI-compatible (vLLM, Ollama, llama.cpp server, OpenAI). The one in use answers what the router sends to the cloud.',
    list,
    el(
      'div',
      { className: 'endpoint-form', attrs: { role: 'form', 'aria-label': 'Add or replace an endpoint' } },
      ...Object.values(fields).map((f) => f.row),
      save,
    ),
    message,
  );
}
