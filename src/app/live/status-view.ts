// What the live perception is doing, in words: one headline per sensor in plain words (sensor-lines.ts), and on
// request the details — each sensor, each model task (warm-up, the backend that ran it, any fallback and why)
// and model downloads with a progress bar. Backend names appear only in the details.
import {
  type Task,
  type WebGpuProbe,
  describeModel,
  describeSensor,
  describeTask,
  modelTotals,
  type PerceptionMessage as Message,
  type PerceptionState,
} from '../../index';
import { el, keyedChildren, setClass, setLeadingText } from '../dom';
import { cameraLine, microphoneLine, type FaceSeen, type SpeechPhase } from './sensor-lines';

/** What the panel saw in the events themselves, beside the perception state. */
export interface SeenInEvents {
  face: FaceSeen;
  speech: SpeechPhase;
  /** The backend that found the faces (vision.face's own), not the expression model's. */
  faceBackend?: string;
}

/** One line of the view: a message, and for a model still downloading its progress. */
interface Line {
  testId: string;
  message: Message;
  progress?: { loaded: number; total: number };
}

const levelClass = (m: Message) => (m.level === 'ok' ? 'ok' : m.level === 'error' ? 'missing' : 'info');

function createLine(l: Line): HTMLElement {
  const li = el('li', { testId: l.testId });
  updateLine(li, l);
  return li;
}

/** Touches only what changed: the view renders on every face event, and most lines stay the same. */
function updateLine(li: HTMLElement, l: Line): void {
  setClass(li, levelClass(l.message));
  setLeadingText(li, l.message.text);
  let bar = li.querySelector('progress');
  if (!l.progress) return bar?.remove();
  if (!bar) li.append((bar = el('progress')));
  const max = String(Math.max(l.progress.total, 1));
  const value = String(l.progress.loaded);
  if (bar.getAttribute('max') !== max) bar.setAttribute('max', max);
  if (bar.getAttribute('value') !== value) bar.setAttribute('value', value);
}

function renderLines(list: HTMLElement, lines: readonly Line[]): void {
  keyedChildren(list, lines, (l) => l.testId, createLine, updateLine);
}

export function createStatusView(): {
  element: HTMLElement;
  render(s: PerceptionState, seen: SeenInEvents, webgpu?: WebGpuProbe): void;
} {
  const headline = el('ul', {
    className: 'live-lines',
    testId: 'live-lines',
    attrs: { 'aria-live': 'polite' },
  });
  const list = el('ul', { className: 'live-status', testId: 'live-status' });
  const details = el(
    'details',
    { className: 'live-details', testId: 'live-details' },
    el('summary', { text: 'Details: models, backends, downloads' }),
    list,
  );
  return {
    element: el('div', { className: 'live-status-view' }, headline, details),
    render(s, seen, webgpu) {
      renderLines(headline, [
        { testId: 'live-camera-line', message: cameraLine(s, seen.face) },
        { testId: 'live-microphone-line', message: microphoneLine(s, seen.speech) },
      ]);
      const tasks = Object.entries(s.tasks) as [Task, NonNullable<PerceptionState['tasks'][Task]>][];
      const models = Object.entries(s.models).map(([id, m]): Line => {
        const { loaded, total, done } = modelTotals(m);
        return {
          testId: `live-model-${id}`,
          message: describeModel(id, m),
          ...(done ? {} : { progress: { loaded, total } }),
        };
      });
      const face: Line[] = seen.faceBackend
        ? [
            {
              testId: 'live-face-backend',
              message: { text: `Face detection: running on ${seen.faceBackend}.`, level: 'ok' },
            },
          ]
        : [];
      renderLines(list, [
        { testId: 'live-camera-status', message: describeSensor('camera', s.camera) },
        { testId: 'live-microphone-status', message: describeSensor('microphone', s.microphone) },
        ...face,
        ...tasks.map(([task, t]): Line => ({
          testId: `live-task-${task}`,
          message: describeTask(task, t, webgpu),
        })),
        ...models,
      ]);
    },
  };
}
