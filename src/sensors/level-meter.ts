// Folds audio chunks into a low-rate level reading (RMS and peak over a window), so that a UI or an agent
// can watch the microphone without subscribing to 31 chunks a second.

export interface AudioLevel {
  /** Root mean square over the window, 0…1 full scale. */
  rms: number;
  /** Largest absolute sample in the window. */
  peak: number;
  /** RMS in dBFS, floored at SILENCE_DBFS (digital silence and the denormal dust of a muted input). */
  dbfs: number;
  /** Samples the reading covers. */
  samples: number;
}

export interface LevelMeter {
  /** Adds a chunk; returns a reading once `windowSamples` have been seen, else null. */
  add(chunk: Float32Array): AudioLevel | null;
}

/**
 * The quietest level reported. Below about −100 dBFS nothing is audible and 16-bit audio has no signal;
 * without a floor a muted input read −359 … −778 dBFS (denormal samples), numbers that mean nothing.
 */
export const SILENCE_DBFS = -100;

export function rmsOf(samples: Float32Array): number {
  let e = 0;
  for (let i = 0; i < samples.length; i++) e += samples[i]! * samples[i]!;
  return samples.length ? Math.sqrt(e / samples.length) : 0;
}

export function createLevelMeter(windowSamples: number): LevelMeter {
  if (!Number.isInteger(windowSamples) || windowSamples < 1) {
    throw new RangeError(`level window must be a whole number of samples ≥ 1 (got ${windowSamples})`);
  }
  let energy = 0;
  let peak = 0;
  let count = 0;
  return {
    add(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const v = chunk[i]!;
        energy += v * v;
        const a = Math.abs(v);
        if (a > peak) peak = a;
      }
      count += chunk.length;
      if (count < windowSamples) return null;
      const rms = Math.sqrt(energy / count);
      const reading = { rms, peak, dbfs: Math.max(SILENCE_DBFS, 20 * Math.log10(rms)), samples: count };
      energy = 0;
      peak = 0;
      count = 0;
      return reading;
    },
  };
}
