// WAV (RIFF) decoding for the dev endpoint: PCM 8/16/24/32-bit or float32, any rate and channel count,
// to mono float32 at 16 kHz — what Whisper wants.

export class BadAudioError extends Error {
  name = 'BadAudioError';
}

/** @param {Uint8Array} bytes @returns {{ samples: Float32Array, sampleRate: number, seconds: number }} */
export function decodeWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new BadAudioError('file is not a WAV (RIFF/WAVE header missing); send 16-bit PCM or float32 WAV');
  }
  let fmt = null;
  let data = null;
  for (let o = 12; o + 8 <= bytes.byteLength;) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(o + 8, true),
        channels: view.getUint16(o + 10, true),
        rate: view.getUint32(o + 12, true),
        bits: view.getUint16(o + 22, true),
      };
    } else if (id === 'data') {
      data = { offset: o + 8, size: Math.min(size, bytes.byteLength - o - 8) };
    }
    o += 8 + size + (size % 2);
  }
  if (!fmt || !data) throw new BadAudioError('WAV has no fmt or data chunk');
  const { format, channels, rate, bits } = fmt;
  const isFloat = format === 3;
  if (!(format === 1 || format === 3 || format === 0xfffe)) {
    throw new BadAudioError(`WAV format ${format} is not PCM or float`);
  }
  if (channels < 1 || rate < 8000 || rate > 192000)
    throw new BadAudioError(`WAV has ${channels} channels at ${rate} Hz`);
  const bytesPer = bits / 8;
  const frames = Math.floor(data.size / (bytesPer * channels));
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      const o = data.offset + (i * channels + c) * bytesPer;
      let v;
      if (isFloat) v = view.getFloat32(o, true);
      else if (bits === 16) v = view.getInt16(o, true) / 32768;
      else if (bits === 8) v = (view.getUint8(o) - 128) / 128;
      else if (bits === 24)
        v = (view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16)) / 8388608;
      else if (bits === 32) v = view.getInt32(o, true) / 2147483648;
      else throw new BadAudioError(`${bits}-bit WAV is not supported`);
      sum += v;
    }
    mono[i] = sum / channels;
  }
  const samples = rate === 16000 ? mono : resample(mono, rate, 16000);
  return { samples, sampleRate: 16000, seconds: samples.length / 16000 };
}

/** Linear resampling: plenty for speech recognition input. */
export function resample(input, from, to) {
  const n = Math.floor((input.length * to) / from);
  const out = new Float32Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const i0 = Math.floor(x);
    const i1 = Math.min(input.length - 1, i0 + 1);
    const t = x - i0;
    out[i] = input[i0] * (1 - t) + input[i1] * t;
  }
  return out;
}

/** 16-bit PCM mono WAV from float samples. */
export function encodeWav(samples, sampleRate) {
  const buf = new ArrayBuffer(44 + samples.length * 2);
  const v = new DataView(buf);
  const w = (o, s) => [...s].forEach((ch, i) => v.setUint8(o + i, ch.charCodeAt(0)));
  w(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * 2, true);
  w(8, 'WAVE');
  w(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  w(36, 'data');
  v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    v.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), true);
  }
  return new Uint8Array(buf);
}
