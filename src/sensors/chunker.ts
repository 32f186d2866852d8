// Cuts a stream of samples into fixed-size chunks. Each chunk is a fresh Float32Array so it can be
// transferred (and detached) without touching the next one.

export interface Chunker {
  readonly size: number;
  /** Appends samples; calls `emit` once per completed chunk, in order. */
  push(samples: Float32Array, emit: (chunk: Float32Array) => void): void;
  /** Samples waiting for the next chunk. */
  readonly pending: number;
  /** Drops the partial chunk (after a restart the old tail does not belong to the new stream). */
  reset(): void;
}

export function createChunker(size: number): Chunker {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a whole number ≥ 1 (got ${size})`);
  let current = new Float32Array(size);
  let filled = 0;
  return {
    size,
    get pending() {
      return filled;
    },
    push(samples, emit) {
      let at = 0;
      while (at < samples.length) {
        const take = Math.min(size - filled, samples.length - at);
        current.set(samples.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === size) {
          const done = current;
          current = new Float32Array(size);
          filled = 0;
          emit(done);
        }
      }
    },
    reset() {
      filled = 0;
    },
  };
}
