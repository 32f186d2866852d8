// Local text models in Settings: add a model by URL with its sha256 or from a file on this device, with the
// download's progress and any failure by name; each model the user brought listed with its size, licence
// and source, the loaded one marked, and Remove deleting the stored copy (the library frees the bytes once
// no other name lists them).
import type { AddCommon, LocalModel } from '../../index';
import { el } from '../dom';
import { inputField, say, settingsGroup } from './form';
import { formatBytes } from './model-settings';

/** What the section drives: the runtime's `generation` (adds load the model), or a bare model library. */
export interface LocalModelSource {
  list(): Promise<LocalModel[]>;
  addFromUrl(url: string, sha256: string, options?: AddCommon): Promise<LocalModel>;
  addFromFile(file: Blob, options?: AddCommon & { filename?: string }): Promise<LocalModel>;
  remove(id: string): Promise<boolean>;
  /** Grants the download consent for the URL's host: clicking "Add" is the user asking for that download. */
  allowDownloadsFrom?(url: string): Promise<void>;
  loaded?(): { model: string } | null;
}

const HEX64 = /^[0-9a-f]{64}$/i;

function sourceOf(m: LocalModel): string {
  return m.source.kind === 'url' ? new URL(m.source.url).host : `file ${m.source.filename}`;
}

function row(m: LocalModel, loaded: boolean, onRemove: () => Promise<void>): HTMLElement {
  const remove = el('button', { text: 'Remove', testId: `local-model-remove-${m.id}` });
  remove.type = 'button';
  remove.addEventListener('click', () => {
    remove.disabled = true;
    onRemove().finally(() => (remove.disabled = false));
  });
  return el(
    'li',
    { testId: `local-model-${m.id}` },
    el('strong', { text: m.name }),
    el('span', { className: 'meta', testId: 'local-model-size', text: ` ${formatBytes(m.bytes)}` }),
    el('span', {
      className: 'meta',
      testId: 'local-model-licence',
      text: ` · licence: ${m.licence ?? 'not stated'}`,
    }),
    el('span', {
      className: 'meta',
      text: ` · ${m.architecture ?? 'unknown architecture'} · ${sourceOf(m)}`,
    }),
    loaded ? el('span', { className: 'ok', testId: 'local-model-loaded', text: ' · loaded' }) : '',
    ' ',
    remove,
  );
}

/** "Downloading x: 512 kB of 1.2 MB (43 %)", or without a total when the host gave none. */
function progressText(verb: string, id: string, p: { loaded: number; total: number | null }): string {
  const of = p.total ? ` of ${formatBytes(p.total)} (${Math.floor((100 * p.loaded) / p.total)} %)` : '';
  return `${verb} ${id}: ${formatBytes(p.loaded)}${of}`;
}

const named = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}` : `Error: ${String(err)}`;

/** The section, filled once the library has been read; `refresh()` re-reads it (after an add elsewhere). */
export function localModelSettings(source: LocalModelSource): {
  element: HTMLElement;
  refresh(): Promise<void>;
} {
  const list = el('ul', { className: 'model-list', testId: 'local-model-list' });
  const message = el('p', { className: 'field-message', testId: 'local-model-message' });
  const status = el('p', {
    className: 'field-message',
    testId: 'local-model-status',
    attrs: { role: 'status' },
  });
  const bar = el('progress', { testId: 'local-model-progress', attrs: { max: '1', value: '0' } });
  bar.hidden = true;
  const url = inputField('url', 'Model URL (.gguf)', 'local-model', {
    type: 'url',
    placeholder: 'https://example.org/models/tiny.gguf',
  });
  const sha = inputField('sha256', 'sha256 of the file', 'local-model', {
    placeholder: '64 hexadecimal characters',
    spellcheck: 'false',
  });
  const licence = inputField('declared-licence', 'Licence (if the file does not say)', 'local-model', {
    placeholder: 'e.g. MIT',
  });
  const add = el('button', { text: 'Add from URL', testId: 'local-model-add', attrs: { type: 'button' } });
  const file = el('input', {
    testId: 'local-model-file',
    attrs: { type: 'file', accept: '.gguf', 'aria-label': 'Add a model from a file' },
  });

  async function refresh(): Promise<void> {
    try {
      const models = await source.list();
      const current = source.loaded?.()?.model ?? null;
      list.replaceChildren(
        ...models.map((m) =>
          row(m, m.id === current, async () => {
            try {
              await source.remove(m.id);
            } catch (err) {
              say(status, `Not removed: ${named(err)}`, false);
            }
            await refresh();
          }),
        ),
      );
      message.textContent = models.length
        ? ''
        : 'No local text model yet: add one by URL with its sha256, or from a file.';
    } catch (err) {
      message.textContent = `The local model library could not be read: ${named(err)}`;
    }
  }

  /** Runs one add with progress; the form stays usable and says what went wrong by name. */
  async function adding(verb: string, id: string, run: (opts: AddCommon) => Promise<LocalModel>) {
    add.disabled = file.disabled = true;
    bar.hidden = false;
    bar.removeAttribute('value');
    say(status, `${verb} ${id}…`, true);
    try {
      const model = await run({
        ...(licence.input.value.trim() ? { licence: licence.input.value.trim() } : {}),
        onProgress: (p) => {
          if (p.total) bar.value = p.loaded / p.total;
          status.textContent = progressText(verb, id, p);
        },
      });
      const on = source.loaded?.()?.model === model.id ? ' and loaded: chat now answers on this device' : '';
      say(status, `Added ${model.id} (${formatBytes(model.bytes)})${on}.`, true);
    } catch (err) {
      say(status, `Not added: ${named(err)}`, false);
    } finally {
      add.disabled = file.disabled = false;
      bar.hidden = true;
      await refresh();
    }
  }

  add.addEventListener('click', () => {
    const u = url.input.value.trim();
    const s = sha.input.value.trim();
    url.error.textContent = sha.error.textContent = '';
    let target: URL | null = null;
    try {
      target = new URL(u);
    } catch {
      url.error.textContent = u ? `"${u}" is not a URL` : 'the model URL is required';
    }
    if (target && target.protocol !== 'https:' && target.protocol !== 'http:') {
      url.error.textContent = `the model URL must be http(s), not ${target.protocol}`;
      target = null;
    }
    if (!HEX64.test(s))
      sha.error.textContent = `the sha256 must be 64 hexadecimal characters (got ${s.length} characters)`;
    if (!target || !HEX64.test(s)) return;
    const id =
      target.pathname
        .split('/')
        .pop()!
        .replace(/\.gguf$/i, '') || 'model';
    void adding('Downloading', id, async (opts) => {
      await source.allowDownloadsFrom?.(target.href);
      return source.addFromUrl(target.href, s, opts);
    });
  });
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    if (!picked) return;
    void adding('Storing', picked.name, (opts) =>
      source.addFromFile(picked, { ...opts, filename: picked.name }),
    ).finally(() => (file.value = ''));
  });

  const element = settingsGroup(
    'Local text models',
    'local-model-settings',
    'Models you bring for text generation on this device (GGUF, e.g. llama.cpp conversions), stored in ' +
      'this browser. While one is loaded, chat is answered here; adding from a URL allows downloads from that host.',
    list,
    message,
    url.row,
    sha.row,
    licence.row,
    el('div', { className: 'toolbar' }, add, el('label', { text: 'or from a file: ' }, file)),
    bar,
    status,
  );
  void refresh();
  return { element, refresh };
}
