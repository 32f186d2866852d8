// Local text models in Settings: each model the user brought (src/inference/generation/library.ts) with its
// size, licence and source, and a Remove button that deletes the stored copy (the library frees the bytes
// once no other name lists them). Adding stays in code or the model's own flow: a URL needs its sha256.
import type { LocalModel, ModelLibrary } from '../../inference/generation/library';
import { el } from '../dom';
import { settingsGroup } from './form';
import { formatBytes } from './model-settings';

function sourceOf(m: LocalModel): string {
  return m.source.kind === 'url' ? new URL(m.source.url).host : `file ${m.source.filename}`;
}

function row(m: LocalModel, onRemove: () => Promise<void>): HTMLElement {
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
    ' ',
    remove,
  );
}

/** The section, filled once the library has been read; `refresh()` re-reads it (after an add elsewhere). */
export function localModelSettings(library: ModelLibrary): {
  element: HTMLElement;
  refresh(): Promise<void>;
} {
  const list = el('ul', { className: 'model-list', testId: 'local-model-list' });
  const message = el('p', { className: 'field-message', testId: 'local-model-message' });
  async function refresh(): Promise<void> {
    try {
      const models = await library.list();
      list.replaceChildren(
        ...models.map((m) =>
          row(m, async () => {
            await library.remove(m.id);
            await refresh();
          }),
        ),
      );
      message.textContent = models.length
        ? ''
        : 'No local text model yet: add one by URL with its sha256, or from a file.';
    } catch (err) {
      message.textContent = `The local model library could not be read: ${(err as Error)?.message ?? err}`;
    }
  }
  const element = settingsGroup(
    'Local text models',
    'local-model-settings',
    'Models you brought for text generation on this device, stored in this browser.',
    list,
    message,
  );
  void refresh();
  return { element, refresh };
}
