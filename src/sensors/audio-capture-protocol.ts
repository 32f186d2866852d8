// Messages between the capture AudioWorklet and the page (types only).
import type { ErrorData } from '../platform/error-data';
import type { Tagged } from '../platform/messages';

export interface CaptureProcessorOptions {
  /** Rate chunks are delivered at. */
  outputRate: number;
  chunkSize: number;
}

export interface FromWorklet {
  /** `firstFrame` is the AudioContext frame (at the device rate) that the chunk's first sample came from. */
  'capture.chunk': { seq: number; samples: Float32Array; firstFrame: number };
  'capture.error': { error: ErrorData };
}
export interface ToWorklet {
  'capture.stop': Record<never, never>;
}

export type FromWorkletMessage = Tagged<FromWorklet>;
export type ToWorkletMessage = Tagged<ToWorklet>;
