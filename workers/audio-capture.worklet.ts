// AudioWorklet entry (thin): runs the capture core on the audio thread and posts 16 kHz chunks to the page,
// transferring each chunk's buffer. Loaded with `?worker&url` so Vite bundles the core into it.
import { createCaptureCore } from '../src/sensors/audio-capture-core';
import type {
  CaptureProcessorOptions,
  FromWorkletMessage,
  ToWorkletMessage,
} from '../src/sensors/audio-capture-protocol';
import { toErrorData } from '../src/platform/error-data';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  ctor: new (options: { processorOptions: CaptureProcessorOptions }) => AudioWorkletProcessor,
): void;

class SentioCaptureProcessor extends AudioWorkletProcessor {
  private readonly core;
  private running = true;
  private failed = false;

  constructor(options: { processorOptions: CaptureProcessorOptions }) {
    super();
    const { outputRate, chunkSize } = options.processorOptions;
    this.core = createCaptureCore(sampleRate, outputRate, chunkSize);
    this.port.onmessage = (e: MessageEvent<ToWorkletMessage>) => {
      if (e.data.type === 'capture.stop') this.running = false;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.running) return false;
    const input = inputs[0];
    if (!input || input.length === 0 || this.failed) return true;
    try {
      this.core.push(input, currentFrame, (c) => {
        const m: FromWorkletMessage = {
          type: 'capture.chunk',
          seq: c.seq,
          samples: c.samples,
          firstFrame: c.firstFrame,
        };
        this.port.postMessage(m, [c.samples.buffer]);
      });
    } catch (e) {
      // One report, then silence: an exception every 3 ms would flood the page.
      this.failed = true;
      const m: FromWorkletMessage = { type: 'capture.error', error: toErrorData(e) };
      this.port.postMessage(m);
    }
    return true;
  }
}

registerProcessor('sentio-capture', SentioCaptureProcessor);
