import { describe, expect, it } from 'vitest';
import { checkOfflineReadiness, describeOfflineReadiness, offlineNeeds } from './offline-readiness';
import type { PerceptionState } from '../../index';

const ready = (backend: string) => ({ status: 'ready' as const, backend, fellBackFrom: [], warmUpMs: 1 });
const state: Pick<PerceptionState, 'tasks' | 'models'> = {
  tasks: {
    pose: ready('mediapipe-cpu'),
    'voice-activity': ready('onnxruntime-wasm-single'),
    'speech-recognition': ready('transformers-wasm'),
    'facial-expression': ready('tfjs-cpu'),
    'face-detection': { status: 'warming-up', since: 0 },
  },
  models: {
    'silero-vad-v5': { files: { 'model.onnx': { loaded: 5, total: 5, done: true } } },
    'whisper-tiny': {
      files: {
        'config.json': { loaded: 1, total: 1, done: true },
        'onnx/decoder.onnx': { loaded: 1, total: 9, done: false },
      },
    },
  },
};

describe('offline readiness', () => {
  it('needs the runtimes of the backends that ran and every model file that finished loading', () => {
    expect(offlineNeeds(state)).toEqual({
      runtime: [
        'mediapipe/vision_wasm_internal.js',
        'mediapipe/vision_wasm_internal.wasm',
        'ort/ort-wasm-simd-threaded.mjs',
        'ort/ort-wasm-simd-threaded.wasm',
        'transformers-ort/ort-wasm-simd-threaded.asyncify.mjs',
        'transformers-ort/ort-wasm-simd-threaded.asyncify.wasm',
      ],
      models: ['silero-vad-v5/model.onnx', 'whisper-tiny/config.json'],
    });
  });

  it('is ready only when every needed file is found, and names what is missing', async () => {
    const needs = offlineNeeds(state);
    const all = await checkOfflineReadiness(needs, async () => true);
    expect(all).toEqual({ ready: true, files: 8 });
    expect(describeOfflineReadiness(all)).toEqual({ text: 'Ready to work offline.', ok: true });

    const noWasm = await checkOfflineReadiness(needs, async (p) => !p.endsWith('.wasm'), '/app/');
    expect(noWasm).toEqual({
      ready: false,
      reason: 'missing',
      files: 8,
      missing: [
        '/app/runtime/mediapipe/vision_wasm_internal.wasm',
        '/app/runtime/ort/ort-wasm-simd-threaded.wasm',
        '/app/runtime/transformers-ort/ort-wasm-simd-threaded.asyncify.wasm',
      ],
    });
    expect(describeOfflineReadiness(noWasm).ok).toBe(false);
    expect(describeOfflineReadiness(noWasm).text).toMatch(/^Not ready to work offline yet: 3 of 8 files/);
  });

  it('does not claim offline models before any model was loaded', async () => {
    const r = await checkOfflineReadiness(offlineNeeds({ tasks: {}, models: {} }), async () => true);
    expect(r).toEqual({ ready: false, reason: 'nothing-loaded' });
    expect(describeOfflineReadiness(r).text).toMatch(/^Opens offline\./);
  });

  it('counts the files saved on the first visit as needed, loaded or not, and each once', async () => {
    const nothing = offlineNeeds({ tasks: {}, models: {} });
    const saved = ['/models/a/model.onnx', '/runtime/ort/ort-wasm-simd-threaded.wasm'];
    expect(await checkOfflineReadiness(nothing, async () => true, '/', saved)).toEqual({
      ready: true,
      files: 2,
    });
    const r = await checkOfflineReadiness(offlineNeeds(state), async (p) => p !== saved[0], '/', saved);
    expect(r).toMatchObject({ ready: false, missing: ['/models/a/model.onnx'], files: 9 });
  });
});
