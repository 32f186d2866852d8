// Audio input for the speech tasks: a WAV file (16-bit PCM or 32-bit float, any rate, any channels)
// becomes 16 kHz mono Float32. Pure, so it is tested in Node with real fixture files.

export const SPEECH_SAMPLE_RATE = 16_000;

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Mono, in [-1, 1]. */
  samples: Float32Array;
}

export function decodeWav(bytes: ArrayBuffer): DecodedWav {
  const buf = new Uint8Array(bytes);
  const view = new DataView(bytes);
  const tag = (o: number) => String.fromCharCode(...buf.subarray(o, o + 4));
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new WavFormatError('not a WAV file (no RIFF/WAVE header)');
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (offset + 8 <= buf.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID.
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('WAV data chunk comes before its fmt chunk');
      const { format, channels, sampleRate, bits } = fmt;
      if (channels < 1) throw new WavFormatError('WAV declares 0 channels');
      const end = Math.min(buf.length, body + size);
      let read: (o: number) => number;
      let width: number;
      if (format === 1 && bits === 16) [read, width] = [(o) => view.getInt16(o, true) / 32768, 2];
      else if (format === 3 && bits === 32) [read, width] = [(o) => view.getFloat32(o, true), 4];
      else
        throw new WavFormatError(
          `WAV format ${format} with ${bits}-bit samples is not supported (16-bit PCM or 32-bit float)`,
        );
      const frames = Math.floor((end - body) / (width * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += read(body + (i * channels + c) * width);
        samples[i] = sum / channels;
      }
      return { sampleRate, channels, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new WavFormatError('WAV has no data chunk');
}

/** Linear-interpolation resampling; enough for speech models that low-pass internally. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const n = Math.floor((samples.length * to) / from);
  const out = new Float32Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const f = pos - j;
    out[i] = (samples[j] ?? 0) * (1 - f) + (samples[j + 1] ?? samples[j] ?? 0) * f;
  }
  return out;
}

export function wavTo16kMono(bytes: ArrayBuffer): Float32Array {
  const wav = decodeWav(bytes);
  return resample(wav.samples, wav.sampleRate, SPEECH_SAMPLE_RATE);
}
