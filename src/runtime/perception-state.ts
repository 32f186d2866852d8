// What the live perception is doing, as data: each sensor's lifecycle, each model task's warm-up and the
// backend that actually ran it (with every fallback on the way), and model download progress. A pure reducer,
// so the messages a person reads are tested in Node; perception.ts feeds it from the sensors' own events, the
// inference results and the inference client's progress.
import type { Attempt } from '../inference/backends/registry';
import type { Task } from '../inference/manifest';
import type { LoadProgress } from '../inference/model-store';
import type { WebGpuProbe } from '../platform/capabilities';
import type { ErrorReason, StopReason } from '../sensors/events';

export type SensorKind = 'camera' | 'microphone';

export type SensorStatus =
  | { status: 'off' }
  | { status: 'starting' }
  | { status: 'running'; label: string; warning?: string }
  /** Capture is set up but the browser holds it (autoplay policy) until the next click or key press. */
  | { status: 'waiting'; message: string }
  | { status: 'failed'; reason: ErrorReason; message: string }
  | { status: 'stopped'; reason: StopReason; message: string };

export type TaskStatus =
  /** Asked for, no answer yet: the model is loading or warming up. */
  | { status: 'warming-up'; since: number }
  | { status: 'ready'; backend: string; fellBackFrom: readonly Attempt[]; warmUpMs: number }
  | { status: 'failed'; name: string; message: string };

export interface FileLoad {
  loaded: number;
  total: number;
  done: boolean;
}

export interface ModelLoad {
  files: Record<string, FileLoad>;
  /** A cache problem is not fatal (the file is fetched anyway) but is worth saying. */
  cacheError?: string;
}

export interface PerceptionState {
  camera: SensorStatus;
  microphone: SensorStatus;
  tasks: Partial<Record<Task, TaskStatus>>;
  models: Record<string, ModelLoad>;
}

export type PerceptionAction =
  | { type: 'sensor.starting'; sensor: SensorKind }
  | { type: 'sensor.started'; sensor: SensorKind; label: string }
  | { type: 'sensor.error'; sensor: SensorKind; reason: ErrorReason; message: string }
  | { type: 'sensor.stopped'; sensor: SensorKind; reason: StopReason; message: string }
  | { type: 'sensor.recovered'; sensor: SensorKind }
  | { type: 'task.requested'; task: Task; at: number }
  | { type: 'task.result'; task: Task; backend: string; fellBackFrom: readonly Attempt[]; at: number }
  | { type: 'task.failed'; task: Task; name: string; message: string }
  | { type: 'model.progress'; progress: LoadProgress };

export const initialPerceptionState = (): PerceptionState => ({
  camera: { status: 'off' },
  microphone: { status: 'off' },
  tasks: {},
  models: {},
});

function sensorError(current: SensorStatus, reason: ErrorReason, message: string): SensorStatus {
  // A consumer that failed on one frame, or a capture restarted after a silence, does not stop the camera: it
  // stays running, with a warning (a capture that cannot recover says so with 'capture-failed').
  if ((reason === 'consumer-failed' || reason === 'capture-stalled') && current.status === 'running')
    return { ...current, warning: message };
  if (reason === 'audio-suspended') return { status: 'waiting', message };
  return { status: 'failed', reason, message };
}

function modelProgress(models: Record<string, ModelLoad>, p: LoadProgress): Record<string, ModelLoad> {
  const m = models[p.model] ?? { files: {} };
  const before = m.files[p.file] ?? { loaded: 0, total: 0, done: false };
  let next: ModelLoad;
  switch (p.status) {
    case 'initiate':
      next = { ...m, files: { ...m.files, [p.file]: { ...before, total: p.total } } };
      break;
    case 'progress':
      next = { ...m, files: { ...m.files, [p.file]: { loaded: p.loaded, total: p.total, done: false } } };
      break;
    case 'done':
      next = { ...m, files: { ...m.files, [p.file]: { loaded: p.total, total: p.total, done: true } } };
      break;
    case 'cache-error':
      next = { ...m, cacheError: `${p.file}: ${p.error.message}` };
      break;
  }
  return { ...models, [p.model]: next };
}

export function reducePerception(s: PerceptionState, a: PerceptionAction): PerceptionState {
  switch (a.type) {
    case 'sensor.starting':
      return { ...s, [a.sensor]: { status: 'starting' } };
    case 'sensor.started':
      return { ...s, [a.sensor]: { status: 'running', label: a.label } };
    case 'sensor.error':
      return { ...s, [a.sensor]: sensorError(s[a.sensor], a.reason, a.message) };
    case 'sensor.stopped':
      return { ...s, [a.sensor]: { status: 'stopped', reason: a.reason, message: a.message } };
    case 'sensor.recovered': {
      const current = s[a.sensor];
      if (current.status !== 'running' || !current.warning) return s;
      return { ...s, [a.sensor]: { status: 'running', label: current.label } };
    }
    case 'task.requested': {
      // Only the first request of a task (or the first after a failure) starts a warm-up.
      const t = s.tasks[a.task];
      if (t && t.status !== 'failed') return s;
      return { ...s, tasks: { ...s.tasks, [a.task]: { status: 'warming-up', since: a.at } } };
    }
    case 'task.result': {
      const t = s.tasks[a.task];
      if (t?.status === 'ready' && t.backend === a.backend && a.fellBackFrom.length === t.fellBackFrom.length)
        return s;
      const warmUpMs = t?.status === 'warming-up' ? a.at - t.since : t?.status === 'ready' ? t.warmUpMs : 0;
      return {
        ...s,
        tasks: {
          ...s.tasks,
          [a.task]: { status: 'ready', backend: a.backend, fellBackFrom: a.fellBackFrom, warmUpMs },
        },
      };
    }
    case 'task.failed':
      return {
        ...s,
        tasks: { ...s.tasks, [a.task]: { status: 'failed', name: a.name, message: a.message } },
      };
    case 'model.progress':
      return { ...s, models: modelProgress(s.models, a.progress) };
  }
}

export type Level = 'ok' | 'info' | 'error';
export interface Message {
  text: string;
  level: Level;
}

const SENSOR_NAMES: Record<SensorKind, string> = { camera: 'Camera', microphone: 'Microphone' };

export function describeSensor(kind: SensorKind, s: SensorStatus): Message {
  const name = SENSOR_NAMES[kind];
  switch (s.status) {
    case 'off':
      return { text: `${name}: off.`, level: 'info' };
    case 'starting':
      return { text: `${name}: starting…`, level: 'info' };
    case 'running':
      return s.warning
        ? { text: `${name}: on (${s.label || 'unnamed device'}), but ${s.warning}.`, level: 'error' }
        : { text: `${name}: on (${s.label || 'unnamed device'}).`, level: 'ok' };
    case 'waiting':
      return { text: `${name}: waiting — ${s.message}.`, level: 'info' };
    case 'failed':
      return { text: `${name}: ${s.message}.`, level: 'error' };
    case 'stopped':
      return s.reason === 'stopped'
        ? { text: `${name}: stopped.`, level: 'info' }
        : { text: `${name}: ${s.message}.`, level: 'error' };
  }
}

const TASK_NAMES: Record<Task, string> = {
  'face-detection': 'Face detection',
  'facial-expression': 'Expressions',
  pose: 'Pose',
  'voice-activity': 'Voice activity',
  'speech-recognition': 'Transcription',
};

const isGpu = (backend: string) => backend.includes('webgpu');

/**
 * One line per task. A fallback is always named with its reason; a task that runs on the CPU where WebGPU is
 * missing says so, so nobody wonders why it is slow.
 */
export function describeTask(task: Task, s: TaskStatus, webgpu?: WebGpuProbe): Message {
  const name = TASK_NAMES[task];
  switch (s.status) {
    case 'warming-up':
      return { text: `${name}: loading and warming up the model…`, level: 'info' };
    case 'failed':
      return { text: `${name}: failed — ${s.name}: ${s.message}`, level: 'error' };
    case 'ready': {
      const took = s.warmUpMs >= 1 ? ` (ready after ${(s.warmUpMs / 1000).toFixed(1)} s)` : '';
      if (s.fellBackFrom.length > 0) {
        const why = s.fellBackFrom.map((f) => `${f.backend} could not run it (${f.reason})`).join('; ');
        return { text: `${name}: running on ${s.backend} — ${why}${took}.`, level: 'info' };
      }
      if (!isGpu(s.backend) && webgpu && !webgpu.available)
        return {
          text: `${name}: running on ${s.backend} (CPU): WebGPU is unavailable here (${webgpu.reason})${took}.`,
          level: 'info',
        };
      return { text: `${name}: running on ${s.backend}${took}.`, level: 'ok' };
    }
  }
}

/** Bytes loaded and expected over a model's files, and whether all of them are in. */
export function modelTotals(m: ModelLoad): { loaded: number; total: number; done: boolean } {
  const files = Object.values(m.files);
  return {
    loaded: files.reduce((a, f) => a + f.loaded, 0),
    total: files.reduce((a, f) => a + f.total, 0),
    done: files.length > 0 && files.every((f) => f.done),
  };
}

export function describeModel(model: string, m: ModelLoad): Message {
  const { loaded, total, done } = modelTotals(m);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const cache = m.cacheError ? ` (not cached for offline use: ${m.cacheError})` : '';
  return done
    ? { text: `${model}: loaded, ${mb(total)} MB${cache}.`, level: m.cacheError ? 'info' : 'ok' }
    : { text: `${model}: loading ${mb(loaded)} / ${mb(total)} MB${cache}…`, level: 'info' };
}
