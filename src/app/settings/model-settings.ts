// Models in Settings: every model of the manifest, whether its files are in the offline cache, and a download
// button with byte progress. Downloads go through the inference worker's own model store code, same cache
// name and keys, so a model fetched here is what the worker later finds cached (and verified).
import manifestJson from '../../../models/manifest.json';
import {
  parseManifest,
  type ModelEntry,
  createModelStore,
  MODEL_CACHE,
  type CacheStorageLike,
  type LoadProgress,
} from '../../index';
import { el } from '../dom';
import { settingsGroup } from './form';

export type CacheState = 'cached' | `partly cached (${number} of ${number} files)` | 'not cached' | 'unknown';

export function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`;
}

export function modelBytes(entry: ModelEntry): number {
  return entry.files.reduce((a, f) => a + f.size, 0);
}

/** Sums per-file progress into the model's loaded bytes (files load one after another, each reports its own). */
export class ModelProgress {
  private readonly loaded = new Map<string, number>();
  constructor(readonly total: number) {}
  update(p: LoadProgress): number {
    if (p.status === 'progress') this.loaded.set(p.file, p.loaded);
    else if (p.status === 'done') this.loaded.set(p.file, p.total);
    return this.bytes();
  }
  bytes(): number {
    let n = 0;
    for (const v of this.loaded.values()) n += v;
    return n;
  }
}

export function modelSettings(
  options: { caches?: CacheStorageLike | null; baseUrl?: string } = {},
): HTMLElement {
  const storage = options.caches === undefined ? (globalThis.caches ?? null) : options.caches;
  const baseUrl = options.baseUrl ?? `${import.meta.env.BASE_URL}models/`;
  const list = el('ul', { className: 'model-list', testId: 'model-list' });
  let models: ModelEntry[] = [];
  const problem = el('p', { className: 'field-message missing', testId: 'model-message' });
  try {
    models = parseManifest(manifestJson).models;
  } catch (err) {
    problem.textContent = `The model list could not be read: ${(err as Error).message}`;
  }

  async function cacheState(
    entry: ModelEntry,
    urlOf: (f: ModelEntry['files'][number]) => string,
  ): Promise<CacheState> {
    if (!storage) return 'unknown';
    const cache = await storage.open(MODEL_CACHE);
    const hits = await Promise.all(entry.files.map(async (f) => !!(await cache.match(urlOf(f)))));
    const n = hits.filter(Boolean).length;
    return n === hits.length
      ? 'cached'
      : n > 0
        ? `partly cached (${n} of ${hits.length} files)`
        : 'not cached';
  }

  function row(entry: ModelEntry): HTMLElement {
    const total = modelBytes(entry);
    const state = el('span', {
      className: 'model-state',
      testId: `model-state-${entry.id}`,
      text: 'checking…',
    });
    const bar = el('progress', {
      testId: `model-progress-${entry.id}`,
      attrs: { max: String(total), value: '0' },
    });
    const bytes = el('span', { className: 'model-bytes', testId: `model-bytes-${entry.id}` });
    const button = el('button', {
      text: 'Download',
      testId: `model-download-${entry.id}`,
      attrs: { type: 'button' },
    });
    bar.hidden = true;
    const progress = new ModelProgress(total);
    const store = createModelStore({
      baseUrl,
      caches: storage,
      onProgress: (p) => {
        if (p.status === 'cache-error') {
          state.textContent = `not cached: ${p.error.message}`;
          state.className = 'model-state missing';
          return;
        }
        const n = progress.update(p);
        bar.value = n;
        bytes.textContent = `${formatBytes(n)} of ${formatBytes(total)}`;
      },
    });
    const urlOf = (f: ModelEntry['files'][number]) => store.urlOf(entry, f);
    const refresh = () =>
      cacheState(entry, urlOf).then(
        (s) => {
          state.textContent = s === 'unknown' ? 'cache unavailable (no Cache API here)' : s;
          state.className = `model-state ${s === 'cached' ? 'ok' : ''}`;
          button.hidden = s === 'cached' || !storage;
        },
        (err: Error) => (state.textContent = `cache unreadable: ${err.message}`),
      );
    button.addEventListener('click', () => {
      button.disabled = true;
      bar.hidden = false;
      state.textContent = 'downloading…';
      store
        .loadModel(entry)
        .then(
          () => void refresh(),
          (err: Error) => {
            state.textContent = `download failed: ${err.message}`;
            state.className = 'model-state missing';
          },
        )
        .finally(() => (button.disabled = false));
    });
    refreshes.push(refresh);
    void refresh();
    return el(
      'li',
      { testId: `model-${entry.id}` },
      el('span', {
        className: 'model-name',
        text: `${entry.id} (${entry.task}, ${formatBytes(total)}, ${entry.licence})`,
      }),
      ' ',
      state,
      ' ',
      button,
      bar,
      bytes,
    );
  }

  // The inference worker fills the same cache while the camera runs: the states are read again each time
  // the list comes into view, so they are never the ones from before the models loaded.
  const refreshes: (() => Promise<unknown>)[] = [];
  list.replaceChildren(...models.map(row));
  if (typeof IntersectionObserver !== 'undefined')
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) for (const r of refreshes) void r();
    }).observe(list);
  return settingsGroup(
    'Models',
    'model-settings',
    'The local models of this app. A model not cached is downloaded on first use; download it now to have it offline.',
    problem,
    list,
  );
}
