import { describe, expect, it } from 'vitest';
import {
  describeModel,
  describeSensor,
  describeTask,
  initialPerceptionState,
  modelTotals,
  reducePerception,
  type PerceptionAction,
  type PerceptionState,
} from './perception-state';

const run = (...actions: PerceptionAction[]): PerceptionState =>
  actions.reduce(reducePerception, initialPerceptionState());

describe('sensors', () => {
  it('starting → running, each sensor on its own', () => {
    const s = run(
      { type: 'sensor.starting', sensor: 'camera' },
      { type: 'sensor.starting', sensor: 'microphone' },
      { type: 'sensor.started', sensor: 'camera', label: 'FaceTime HD' },
    );
    expect(s.camera).toEqual({ status: 'running', label: 'FaceTime HD' });
    expect(s.microphone).toEqual({ status: 'starting' });
    expect(describeSensor('camera', s.camera)).toEqual({ text: 'Camera: on (FaceTime HD).', level: 'ok' });
  });

  it('a denied camera fails with the sensor’s own message while the microphone runs', () => {
    const s = run(
      { type: 'sensor.starting', sensor: 'camera' },
      { type: 'sensor.starting', sensor: 'microphone' },
      {
        type: 'sensor.error',
        sensor: 'camera',
        reason: 'permission-denied',
        message: 'camera permission was denied; allow it in the site settings and start the camera again',
      },
      { type: 'sensor.started', sensor: 'microphone', label: 'USB mic' },
    );
    expect(s.camera).toMatchObject({ status: 'failed', reason: 'permission-denied' });
    expect(describeSensor('camera', s.camera)).toEqual({
      text: 'Camera: camera permission was denied; allow it in the site settings and start the camera again.',
      level: 'error',
    });
    expect(describeSensor('microphone', s.microphone).level).toBe('ok');
  });

  it('a revoked permission mid-stream is an error; a stop by the app is not', () => {
    const revoked = run({
      type: 'sensor.stopped',
      sensor: 'microphone',
      reason: 'permission-revoked',
      message: 'microphone permission was revoked while it was in use',
    });
    expect(describeSensor('microphone', revoked.microphone)).toEqual({
      text: 'Microphone: microphone permission was revoked while it was in use.',
      level: 'error',
    });
    const stopped = run({ type: 'sensor.stopped', sensor: 'camera', reason: 'stopped', message: 'x' });
    expect(describeSensor('camera', stopped.camera)).toEqual({ text: 'Camera: stopped.', level: 'info' });
  });

  it('a failing frame consumer is a warning on a running camera, not a failure', () => {
    const s = run(
      { type: 'sensor.started', sensor: 'camera', label: 'cam' },
      {
        type: 'sensor.error',
        sensor: 'camera',
        reason: 'consumer-failed',
        message: 'a frame consumer failed',
      },
    );
    expect(s.camera).toEqual({ status: 'running', label: 'cam', warning: 'a frame consumer failed' });
    expect(describeSensor('camera', s.camera).level).toBe('error');
    // The consumer answers again: the warning goes, the camera is plainly on.
    const ok = reducePerception(s, { type: 'sensor.recovered', sensor: 'camera' });
    expect(ok.camera).toEqual({ status: 'running', label: 'cam' });
    expect(describeSensor('camera', ok.camera).level).toBe('ok');
    // A recovery with nothing to recover from changes nothing.
    expect(reducePerception(ok, { type: 'sensor.recovered', sensor: 'camera' })).toBe(ok);
  });

  it('audio held by the autoplay policy waits for a gesture, then runs', () => {
    const waiting = run({
      type: 'sensor.error',
      sensor: 'microphone',
      reason: 'audio-suspended',
      message: 'it starts on the next click',
    });
    expect(waiting.microphone).toEqual({ status: 'waiting', message: 'it starts on the next click' });
    const running = reducePerception(waiting, { type: 'sensor.started', sensor: 'microphone', label: 'm' });
    expect(running.microphone.status).toBe('running');
  });
});

describe('tasks', () => {
  const gpuMissing = { available: false, reason: 'navigator.gpu is missing' } as const;

  it('warms up on the first request and is ready with the backend that ran and how long it took', () => {
    const s = run(
      { type: 'task.requested', task: 'pose', at: 1000 },
      { type: 'task.requested', task: 'pose', at: 1500 }, // later requests do not restart the clock
      { type: 'task.result', task: 'pose', backend: 'mediapipe-cpu', fellBackFrom: [], at: 3500 },
    );
    expect(s.tasks.pose).toEqual({
      status: 'ready',
      backend: 'mediapipe-cpu',
      fellBackFrom: [],
      warmUpMs: 2500,
    });
    expect(describeTask('pose', s.tasks.pose!)).toEqual({
      text: 'Pose: running on mediapipe-cpu (ready after 2.5 s).',
      level: 'ok',
    });
    expect(describeTask('pose', run({ type: 'task.requested', task: 'pose', at: 0 }).tasks.pose!).text).toBe(
      'Pose: loading and warming up the model…',
    );
  });

  it('names every backend it fell back from, with the reason', () => {
    const s = run(
      { type: 'task.requested', task: 'face-detection', at: 0 },
      {
        type: 'task.result',
        task: 'face-detection',
        backend: 'onnxruntime-wasm',
        fellBackFrom: [{ backend: 'onnxruntime-webgpu', reason: 'no WebGPU adapter' }],
        at: 800,
      },
    );
    expect(describeTask('face-detection', s.tasks['face-detection']!)).toEqual({
      text: 'Face detection: running on onnxruntime-wasm — onnxruntime-webgpu could not run it (no WebGPU adapter) (ready after 0.8 s).',
      level: 'info',
    });
  });

  it('says that a CPU backend runs because WebGPU is missing here', () => {
    const s = run({ type: 'task.result', task: 'pose', backend: 'mediapipe-cpu', fellBackFrom: [], at: 0 });
    expect(describeTask('pose', s.tasks.pose!, gpuMissing).text).toBe(
      'Pose: running on mediapipe-cpu (CPU): WebGPU is unavailable here (navigator.gpu is missing).',
    );
  });

  it('a failure is shown with the error’s name, and the next success clears it', () => {
    const failed = run(
      { type: 'task.requested', task: 'speech-recognition', at: 0 },
      {
        type: 'task.failed',
        task: 'speech-recognition',
        name: 'ModelLoadError',
        message: 'model "whisper-tiny", file "encoder.onnx": checksum mismatch',
      },
    );
    expect(describeTask('speech-recognition', failed.tasks['speech-recognition']!)).toEqual({
      text: 'Transcription: failed — ModelLoadError: model "whisper-tiny", file "encoder.onnx": checksum mismatch',
      level: 'error',
    });
    const again = reducePerception(failed, { type: 'task.requested', task: 'speech-recognition', at: 10 });
    expect(again.tasks['speech-recognition']!.status).toBe('warming-up');
  });

  it('an unchanged result keeps the same state object (no needless re-render)', () => {
    const s = run({ type: 'task.result', task: 'pose', backend: 'b', fellBackFrom: [], at: 1 });
    expect(
      reducePerception(s, { type: 'task.result', task: 'pose', backend: 'b', fellBackFrom: [], at: 2 }),
    ).toBe(s);
  });
});

describe('model progress', () => {
  it('adds up a model’s files until every one is in', () => {
    const s = run(
      {
        type: 'model.progress',
        progress: { status: 'initiate', model: 'whisper-tiny', file: 'a', total: 3e6 },
      },
      {
        type: 'model.progress',
        progress: { status: 'initiate', model: 'whisper-tiny', file: 'b', total: 1e6 },
      },
      {
        type: 'model.progress',
        progress: { status: 'progress', model: 'whisper-tiny', file: 'a', loaded: 1.5e6, total: 3e6 },
      },
    );
    const m = s.models['whisper-tiny']!;
    expect(modelTotals(m)).toEqual({ loaded: 1.5e6, total: 4e6, done: false });
    expect(describeModel('whisper-tiny', m)).toEqual({
      text: 'whisper-tiny: loading 1.5 / 4.0 MB…',
      level: 'info',
    });
    const done = run({
      type: 'model.progress',
      progress: { status: 'done', model: 'x', file: 'a', source: 'network', total: 2e6 },
    });
    expect(describeModel('x', done.models.x!)).toEqual({ text: 'x: loaded, 2.0 MB.', level: 'ok' });
  });

  it('a cache problem is said but does not stop the load', () => {
    const s = run(
      {
        type: 'model.progress',
        progress: {
          status: 'cache-error',
          model: 'x',
          file: 'a',
          error: { name: 'QuotaExceededError', message: 'quota exceeded' },
        },
      },
      {
        type: 'model.progress',
        progress: { status: 'done', model: 'x', file: 'a', source: 'network', total: 1e6 },
      },
    );
    expect(describeModel('x', s.models.x!)).toEqual({
      text: 'x: loaded, 1.0 MB (not cached for offline use: a: quota exceeded).',
      level: 'info',
    });
  });
});
