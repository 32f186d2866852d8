import { describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  fromInferenceErrorData,
  InferenceCancelledError,
  InferenceWorkerError,
  ModelLoadError,
  ModelQuotaError,
  toInferenceErrorData,
} from './errors';

describe('errors across threads', () => {
  it('come back as the same class with their fields', () => {
    const cases = [
      new ModelLoadError('blazeface-front-128', 'model.onnx', 'checksum mismatch'),
      new ModelQuotaError('whisper-tiny', 'onnx/decoder_model_merged_quantized.onnx', 30727765),
      new BackendUnavailableError('pose', [{ backend: 'mediapipe-cpu', reason: 'no WebGL2' }]),
      new InferenceCancelledError('face-detection', 'superseded'),
      new InferenceWorkerError('out of memory'),
    ];
    for (const err of cases) {
      const back = fromInferenceErrorData(structuredClone(toInferenceErrorData(err)));
      expect(back).toBeInstanceOf(err.constructor);
      expect(back.message).toBe(err.message);
      expect(back.stack).toBe(err.stack);
      expect({ ...back }).toEqual({ ...err });
    }
  });

  it('keeps the name of errors that are not ours', () => {
    const e = new TypeError('x is not a function');
    const back = fromInferenceErrorData(toInferenceErrorData(e));
    expect(back.name).toBe('TypeError');
    expect(back.message).toBe('x is not a function');
  });
});
