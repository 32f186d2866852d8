// What the capture AudioWorklet does per render quantum, as plain logic: mix to mono, resample to the
// output rate, cut into fixed chunks. Kept free of worklet globals so it is unit-tested in Node.
import { createChunker } from './chunker';
import { createResampler, mixToMono } from './resampler';

export interface CaptureChunk {
  seq: number;
  samples: Float32Array;
  /** Input frame (device rate) the chunk's first output sample is centred on. */
  firstFrame: number;
}

export interface CaptureCore {
  /** `channels` are one render quantum of planar input; `frame` is the context frame of its first sample. */
  push(channels: readonly Float32Array[], frame: number, emit: (chunk: CaptureChunk) => void): void;
}

export function createCaptureCore(inputRate: number, outputRate: number, chunkSize: number): CaptureCore {
  const resampler = createResampler({ inputRate, outputRate });
  const chunker = createChunker(chunkSize);
  let mono: Float32Array = new Float32Array(128);
  let startFrame: number | null = null;
  let outCount = 0; // output samples emitted into chunks so far
  let seq = 0;
  return {
    push(channels, frame, emit) {
      if (channels.length === 0 || channels[0]!.length === 0) return;
      if (startFrame === null) startFrame = frame;
      mono = mixToMono(channels, mono);
      const out = resampler.process(mono);
      chunker.push(out, (samples) => {
        const firstFrame = startFrame! + Math.round((outCount * inputRate) / outputRate);
        outCount += samples.length;
        emit({ seq: seq++, samples, firstFrame });
      });
    },
  };
}
