// What the live perception is doing, in words: each sensor, each model task (warm-up, the backend that ran it,
// any fallback and why), and model downloads with a progress bar.
import type { Task } from '../../inference/manifest';
import type { WebGpuProbe } from '../../platform/capabilities';
import { el } from '../dom';
import {
  describeModel,
  describeSensor,
  describeTask,
  modelTotals,
  type Message,
  type PerceptionState,
} from '../../runtime/perception-state';

function line(m: Message, testId: string, ...extra: Node[]): HTMLLIElement {
  return el(
    'li',
    { className: m.level === 'ok' ? 'ok' : m.level === 'error' ? 'missing' : 'info', testId, text: m.text },
    ...extra,
  );
}

export function createStatusView(): {
  element: HTMLElement;
  render(s: PerceptionState, webgpu?: WebGpuProbe): void;
} {
  const list = el('ul', {
    className: 'live-status',
    testId: 'live-status',
    attrs: { 'aria-live': 'polite' },
  });
  return {
    element: list,
    render(s, webgpu) {
      const tasks = Object.entries(s.tasks) as [Task, NonNullable<PerceptionState['tasks'][Task]>][];
      const models = Object.entries(s.models).map(([id, m]) => {
        const { loaded, total, done } = modelTotals(m);
        const bar = el('progress', { attrs: { max: String(Math.max(total, 1)), value: String(loaded) } });
        return line(describeModel(id, m), `live-model-${id}`, ...(done ? [] : [bar]));
      });
      list.replaceChildren(
        line(describeSensor('camera', s.camera), 'live-camera-status'),
        line(describeSensor('microphone', s.microphone), 'live-microphone-status'),
        ...tasks.map(([task, t]) => line(describeTask(task, t, webgpu), `live-task-${task}`)),
        ...models,
      );
    },
  };
}
