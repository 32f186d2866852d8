import { describe, expect, it } from 'vitest';
import { initialPerceptionState, reducePerception, type PerceptionState } from '../../index';
import { cameraLine, microphoneLine } from './sensor-lines';

const BACKENDS = /onnx|tfjs|wasm|webgpu|mediapipe|transformers/i;

function running(): PerceptionState {
  let s = initialPerceptionState();
  s = reducePerception(s, { type: 'sensor.started', sensor: 'camera', label: 'fake cam' });
  return reducePerception(s, { type: 'sensor.started', sensor: 'microphone', label: 'fake mic' });
}

describe('the sensor headlines', () => {
  it('say what the camera is doing in plain words, loading first, then faces as the events report them', () => {
    expect(cameraLine(initialPerceptionState(), 'unknown').text).toBe('Camera off.');
    let s = running();
    s = reducePerception(s, { type: 'task.requested', task: 'facial-expression', at: 0 });
    s = reducePerception(s, {
      type: 'model.progress',
      progress: { status: 'progress', model: 'emotion-7', file: 'a', loaded: 300_000, total: 800_000 },
    });
    expect(cameraLine(s, 'unknown').text).toBe('Loading the face model (0.3 of 0.8 MB)…');
    s = reducePerception(s, {
      type: 'task.result',
      task: 'facial-expression',
      backend: 'tfjs-cpu',
      fellBackFrom: [],
      at: 10,
    });
    expect(cameraLine(s, 'unknown').text).toBe('Finding faces…');
    expect(cameraLine(s, 'face')).toEqual({ text: 'Face in view.', level: 'ok' });
    expect(cameraLine(s, 'none').text).toBe('No face in view.');
    for (const f of ['unknown', 'face', 'none'] as const) expect(cameraLine(s, f).text).not.toMatch(BACKENDS);
    s = reducePerception(s, { type: 'sensor.stopped', sensor: 'camera', reason: 'stopped', message: 'x' });
    expect(cameraLine(s, 'face').text).toBe('Camera stopped.');
  });

  it('say what the microphone hears: listening, speech, transcribing, and a failure with its reason', () => {
    let s = running();
    expect(microphoneLine(s, 'quiet').text).toBe('Loading the voice model…');
    s = reducePerception(s, {
      type: 'task.result',
      task: 'voice-activity',
      backend: 'onnxruntime-wasm',
      fellBackFrom: [],
      at: 1,
    });
    expect(microphoneLine(s, 'quiet').text).toBe('Listening.');
    expect(microphoneLine(s, 'speech').text).toBe('Speech heard.');
    expect(microphoneLine(s, 'transcribing').text).toBe('Transcribing: loading the speech model…');
    s = reducePerception(s, {
      type: 'task.result',
      task: 'speech-recognition',
      backend: 'transformers-wasm',
      fellBackFrom: [],
      at: 2,
    });
    expect(microphoneLine(s, 'transcribing').text).toBe('Transcribing…');
    s = reducePerception(s, {
      type: 'task.failed',
      task: 'speech-recognition',
      name: 'E',
      message: 'out of memory',
    });
    expect(microphoneLine(s, 'transcribing')).toEqual({
      text: 'Transcription failed: out of memory',
      level: 'error',
    });
    s = reducePerception(s, {
      type: 'sensor.error',
      sensor: 'microphone',
      reason: 'capture-failed',
      message: 'microphone permission was revoked while it was in use',
    });
    expect(microphoneLine(s, 'quiet')).toEqual({
      text: 'Microphone: microphone permission was revoked while it was in use.',
      level: 'error',
    });
  });
});
