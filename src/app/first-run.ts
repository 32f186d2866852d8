// The first-run card: what Sentio does, that the camera and microphone stay on this device unless the person
// allows more, and what to expect — which models load the first time, how big they are and how long the first
// answers take — with each model's real load progress once the camera and microphone start. Dismissed once,
// remembered in localStorage. Text only (el() never parses HTML).
import manifestJson from '../../models/manifest.json';
import {
  parseManifest,
  TASKS,
  type ModelEntry,
  type Task,
  modelTotals,
  type PerceptionState,
} from '../index';
import { el, section } from './dom';

export const FIRST_RUN_KEY = 'sentio.firstRun.dismissed';

const WHAT: Record<Task, string> = {
  'face-detection': 'finds faces',
  'facial-expression': 'reads expressions',
  pose: 'finds body poses and gestures',
  'voice-activity': 'hears when someone speaks',
  'speech-recognition': 'writes down what is said',
};

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The Live panel's models: the first manifest entry of each task the engine runs. */
function liveModels(): ModelEntry[] {
  const models = parseManifest(manifestJson).models;
  return TASKS.flatMap((t) => models.find((m) => m.task === t) ?? []);
}

export interface FirstRunCard {
  element: HTMLElement;
  /** The live perception's state: each model's load progress. */
  progress(s: PerceptionState): void;
}

export function createFirstRunCard(
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): FirstRunCard | null {
  if (storage?.getItem(FIRST_RUN_KEY) === '1') return null;
  const models = liveModels();
  const total = models.reduce((a, m) => a + m.files.reduce((b, f) => b + f.size, 0), 0);
  const rows = new Map<string, { state: HTMLElement; bar: HTMLProgressElement; bytes: number }>();
  const list = el(
    'ul',
    { className: 'first-run-models', testId: 'first-run-models' },
    ...models.map((m) => {
      const bytes = m.files.reduce((a, f) => a + f.size, 0);
      const state = el('span', { className: 'first-run-model-state', text: 'loads when you start' });
      const bar = el('progress', { attrs: { max: String(bytes), value: '0' } });
      rows.set(m.id, { state, bar, bytes });
      return el(
        'li',
        { testId: `first-run-model-${m.id}`, attrs: { 'data-model': m.id, 'data-task': m.task } },
        el('span', { text: `${m.id} (${WHAT[m.task as Task]}, ${mb(bytes)}): ` }),
        state,
        ' ',
        bar,
      );
    }),
  );
  const dismiss = el('button', {
    testId: 'first-run-dismiss',
    text: 'Got it',
    attrs: { type: 'button' },
  });
  const card = section(
    'Welcome to Sentio',
    'first-run',
    el('p', {
      text:
        'Sentio watches the camera and listens to the microphone on this device: it finds faces, expressions, ' +
        'poses and speech, and small agents react to them — the cards below show what they make of it.',
    }),
    el('p', {
      testId: 'first-run-privacy',
      text:
        'The camera and the microphone stay on this device. Nothing leaves it unless you allow it, one kind of ' +
        'data and one endpoint at a time (Settings → Consent, or the Allow button where a card asks).',
    }),
    el('p', {
      testId: 'first-run-expect',
      text:
        `Press "Start camera and microphone". The first time, the models load (${mb(total)} in all) and are ` +
        'kept for later and for offline use. On a slow machine the first face takes 10–20 s and the first ' +
        'transcript 20–45 s; after that they follow the camera and the microphone.',
    }),
    list,
    dismiss,
  );
  card.classList.add('first-run');
  dismiss.addEventListener('click', () => {
    storage?.setItem(FIRST_RUN_KEY, '1');
    card.remove();
  });
  return {
    element: card,
    progress(s) {
      for (const m of models) {
        const row = rows.get(m.id)!;
        const load = s.models[m.id];
        // Faces are found inside the expression request (camera-pipelines.ts): its answer means both are in.
        const task =
          s.tasks[m.task as Task] ?? (m.task === 'face-detection' ? s.tasks['facial-expression'] : undefined);
        const loaded = load ? modelTotals(load).loaded : null;
        // Against the manifest's size: a model's files start one after another, so the sum so far is not it.
        row.bar.max = row.bytes;
        if (task?.status === 'failed') row.state.textContent = `failed: ${task.message}`;
        else if (task?.status === 'ready') {
          row.state.textContent = 'ready';
          row.bar.value = row.bytes;
        } else if (loaded !== null) {
          row.state.textContent =
            loaded >= row.bytes ? 'loaded, warming up…' : `loading ${mb(loaded)} of ${mb(row.bytes)}`;
          row.bar.value = loaded;
        } else if (task?.status === 'warming-up') row.state.textContent = 'loading…';
      }
    },
  };
}
