import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav, resample, wavTo16kMono, WavFormatError } from './audio';

const media = (f: string) => {
  const b = readFileSync(resolve(import.meta.dirname, '../../e2e/fixtures/media', f));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

function wav(channels: number, rate: number, format: 1 | 3, frames: number[][]): ArrayBuffer {
  const width = format === 1 ? 2 : 4;
  const data = frames.length * channels * width;
  const v = new DataView(new ArrayBuffer(44 + data));
  const put = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint16(34, width * 8, true);
  put(36, 'data');
  v.setUint32(40, data, true);
  frames
    .flat()
    .forEach((s, i) =>
      format === 1 ? v.setInt16(44 + i * 2, s * 32767, true) : v.setFloat32(44 + i * 4, s, true),
    );
  return v.buffer;
}

describe('WAV input', () => {
  it('reads the real 16 kHz fixtures', () => {
    const w = decodeWav(media('librivox-0870.wav'));
    expect(w.sampleRate).toBe(16000);
    expect(w.samples.length / 16000).toBeCloseTo(7.1, 1);
    expect(wavTo16kMono(media('goforward.wav')).length).toBe(
      decodeWav(media('goforward.wav')).samples.length,
    );
  });

  it('mixes stereo float to mono and resamples 48 kHz to 16 kHz', () => {
    const w = decodeWav(
      wav(2, 48000, 3, [
        [0.5, -0.5],
        [1, 0],
        [0.25, 0.25],
      ]),
    );
    expect(Array.from(w.samples)).toEqual([0, 0.5, 0.25]);
    expect(wavTo16kMono(wav(1, 48000, 1, Array(4800).fill([0.5]))).length).toBe(1600);
    expect(resample(Float32Array.of(0, 1), 8000, 16000)).toEqual(Float32Array.of(0, 0.5, 1, 1));
  });

  it('names what is wrong with a bad file', () => {
    expect(() => decodeWav(new TextEncoder().encode('hello world, not audio').buffer as ArrayBuffer)).toThrow(
      WavFormatError,
    );
    expect(() => decodeWav(wav(1, 8000, 1, []).slice(0, 36))).toThrow(/no data chunk/);
    const b = wav(1, 8000, 1, [[0]]);
    new DataView(b).setUint16(34, 24, true);
    expect(() => decodeWav(b)).toThrow(/24-bit samples is not supported/);
  });
});
