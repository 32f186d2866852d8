// Streaming band-limited resampler: a Kaiser-windowed sinc evaluated as a rational polyphase FIR.
// Naive decimation (keep every third sample) folds everything above the new Nyquist back into speech band;
// the low-pass here keeps 0…0.875·Nyquist flat and attenuates ≥ Nyquist by the requested stopband depth.
// Runs in the AudioWorklet, so it allocates nothing per sample and only one output array per call.

export interface ResamplerOptions {
  inputRate: number;
  outputRate: number;
  /** Passband edge as a fraction of the lower Nyquist frequency. Default 0.875 (7 kHz for 16 kHz out). */
  passband?: number;
  /** Stopband attenuation the Kaiser window is designed for, in dB. Default 90. */
  attenuationDb?: number;
}

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Filter half-length in input samples: the output lags the input by this much. */
  readonly halfTaps: number;
  /** Feeds input samples; returns the output samples that are now fully determined. */
  process(input: Float32Array): Float32Array;
}

export class ResamplerError extends Error {
  override name = 'ResamplerError';
}

/** Beyond this many phases a table would cost megabytes; rates that need it are rejected with a clear error. */
const MAX_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for the β we use). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

function checkRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate < 1000 || rate > 768_000) {
    throw new ResamplerError(`${what} must be a whole number of Hz between 1000 and 768000 (got ${rate})`);
  }
}

export function createResampler(options: ResamplerOptions): Resampler {
  const { inputRate, outputRate, passband = 0.875, attenuationDb = 90 } = options;
  checkRate(inputRate, 'inputRate');
  checkRate(outputRate, 'outputRate');
  if (!(passband > 0 && passband < 1))
    throw new ResamplerError(`passband must be in (0, 1) (got ${passband})`);
  const g = gcd(inputRate, outputRate);
  // Output n sits at input position n·M/L: phase p = (n·M) mod L selects one row of the table.
  const L = outputRate / g;
  const M = inputRate / g;
  if (L > MAX_PHASES) {
    throw new ResamplerError(
      `${inputRate} Hz → ${outputRate} Hz needs ${L} filter phases (limit ${MAX_PHASES}); use a common device rate`,
    );
  }

  // Design in input-sample units. Cutoff between the passband edge and the lower Nyquist frequency.
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const passHz = passband * nyquist;
  const cutoff = (passHz + nyquist) / 2 / inputRate; // cycles per input sample
  const transition = (2 * Math.PI * (nyquist - passHz)) / inputRate; // rad per input sample
  const order = Math.ceil((attenuationDb - 7.95) / (2.285 * transition));
  const H = Math.max(2, Math.ceil(order / 2)); // taps each side
  const taps = 2 * H;
  const beta = kaiserBeta(attenuationDb);
  const i0beta = besselI0(beta);

  // table[p*taps + k] weighs input j = i + (k - H + 1) for output phase p (fraction p/L past input i).
  const table = new Float32Array(L * taps);
  for (let p = 0; p < L; p++) {
    const frac = p / L;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const tau = frac - (k - H + 1); // distance from the output instant to input j, in input samples
      const r = tau / H;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0beta;
      const x = 2 * cutoff * tau;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const h = 2 * cutoff * sinc * w;
      table[p * taps + k] = h;
      sum += h;
    }
    // Unit DC gain for every phase, so amplitude does not ripple with the phase pattern.
    for (let k = 0; k < taps; k++) table[p * taps + k]! /= sum;
  }

  // History: the input samples the next output still needs. Starts with H-1 zeros (silence before start).
  let buf = new Float32Array(Math.max(4096, taps * 4));
  let bufLen = H - 1;
  /** Absolute input index of buf[0]. */
  let bufStart = -(H - 1);
  /** Next output index within the current L-period, and the input index where that period starts. */
  let n = 0;
  let periodBase = 0;

  return {
    inputRate,
    outputRate,
    halfTaps: H,
    process(input: Float32Array): Float32Array {
      if (bufLen + input.length > buf.length) {
        const grown = new Float32Array(Math.max(buf.length * 2, bufLen + input.length));
        grown.set(buf.subarray(0, bufLen));
        buf = grown;
      }
      buf.set(input, bufLen);
      bufLen += input.length;
      const lastIndex = bufStart + bufLen - 1;

      // Outputs available: those whose newest needed input (i + H) has arrived.
      const maxOut = Math.max(0, Math.floor(((lastIndex - H - periodBase + 1) * L - 1) / M) - n + 1);
      const out = new Float32Array(maxOut);
      let produced = 0;
      while (produced < maxOut) {
        const num = n * M;
        const step = Math.floor(num / L);
        const i = periodBase + step;
        if (i + H > lastIndex) break;
        const p = num - step * L;
        const row = p * taps;
        let at = i - H + 1 - bufStart;
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += buf[at++]! * table[row + k]!;
        out[produced++] = acc;
        if (++n === L) {
          n = 0;
          periodBase += M;
        }
      }
      // Keep only what future outputs need: from the first tap of the next output on.
      const nextI = periodBase + Math.floor((n * M) / L);
      const keepFrom = Math.min(nextI - H + 1, bufStart + bufLen) - bufStart;
      if (keepFrom > 0) {
        buf.copyWithin(0, keepFrom, bufLen);
        bufLen -= keepFrom;
        bufStart += keepFrom;
      }
      return produced === maxOut ? out : out.subarray(0, produced);
    },
  };
}

/** Averages interleaved or planar channels into one; the worklet hands planar channels. */
export function mixToMono(channels: readonly Float32Array[], out?: Float32Array): Float32Array {
  const first = channels[0];
  if (!first) return out ?? new Float32Array(0);
  const len = first.length;
  const mono = out && out.length === len ? out : new Float32Array(len);
  if (channels.length === 1) {
    mono.set(first);
    return mono;
  }
  mono.fill(0);
  for (const ch of channels) for (let i = 0; i < len; i++) mono[i]! += ch[i]!;
  const scale = 1 / channels.length;
  for (let i = 0; i < len; i++) mono[i]! *= scale;
  return mono;
}
