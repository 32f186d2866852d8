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
import { el } from '../dom';
import { cameraLine, microphoneLine, type FaceSeen, type SpeechPhase } from './sensor-lines';

/** What the panel saw in the events themselves, beside the perception state. */
export interface SeenInEvents {
  face: FaceSeen;
  speech: SpeechPhase;
  /** The backend that found the faces (vision.face's own), not the expression model's. */
  faceBackend?: string;
}

function line(m: Message, testId: string, ...extra: Node[]): HTMLLIElement {
  return el(
    'li',
    { className: m.level === 'ok' ? 'ok' : m.level === 'error' ? 'missing' : 'info', testId, text: m.text },
    ...extra,
  );
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
      headline.replaceChildren(
        line(cameraLine(s, seen.face), 'live-camera-line'),
        line(microphoneLine(s, seen.speech), 'live-microphone-line'),
      );
      const tasks = Object.entries(s.tasks) as [Task, NonNullable<PerceptionState['tasks'][Task]>][];
      const models = Object.entries(s.models).map(([id, m]) => {
        const { loaded, total, done } = modelTotals(m);
        const bar = el('progress', { attrs: { max: String(Math.max(total, 1)), value: String(loaded) } });
        return line(describeModel(id, m), `live-model-${id}`, ...(done ? [] : [bar]));
      });
      const face = seen.faceBackend
        ? [
            line(
              { text: `Face detection: running on ${seen.faceBackend}.`, level: 'ok' },
              'live-face-backend',
            ),
          ]
        : [];
      list.replaceChildren(
        line(describeSensor('camera', s.camera), 'live-camera-status'),
        line(describeSensor('microphone', s.microphone), 'live-microphone-status'),
        ...face,
        ...tasks.map(([task, t]) => line(describeTask(task, t, webgpu), `live-task-${task}`)),
        ...models,
      );
    },
  };
}
