// Gathers microphone chunks into requests for a model that must hear every sample, in order (voice activity):
// one request at a time, carrying everything that arrived while the previous one ran. When the inference
// worker is free a request carries `minSamples` (low latency); when other models keep it busy, requests grow
// instead of queueing, so the stream catches up rather than falling ever further behind real time. Nothing
// is dropped.

export interface AudioBatcherStats {
  /** Requests sent. */
  sent: number;
  /** Samples waiting for the next request. */
  waiting: number;
  /** Largest request so far, in samples: how far behind the model has had to catch up. */
  largest: number;
}

export interface AudioBatcher {
  /** `ts`: capture time (ms since epoch) of the chunk's first sample. */
  push(samples: Float32Array, ts: number): void;
  stats(): AudioBatcherStats;
}

export function createAudioBatcher(
  minSamples: number,
  send: (batch: Float32Array, ts: number) => Promise<unknown>,
): AudioBatcher {
  if (!Number.isInteger(minSamples) || minSamples < 1)
    throw new RangeError(`a batch must be a whole number ≥ 1 of samples (got ${minSamples})`);
  let parts: Float32Array[] = [];
  let waiting = 0;
  let firstTs = 0;
  let busy = false;
  const s = { sent: 0, largest: 0 };

  const pump = () => {
    if (busy || waiting < minSamples) return;
    const batch = new Float32Array(waiting);
    let at = 0;
    for (const p of parts) {
      batch.set(p, at);
      at += p.length;
    }
    const ts = firstTs;
    parts = [];
    waiting = 0;
    busy = true;
    s.sent++;
    s.largest = Math.max(s.largest, batch.length);
    // The sender reports its own failures; a failed request must not stop the stream.
    void send(batch, ts)
      .catch(() => {})
      .finally(() => {
        busy = false;
        pump();
      });
  };

  return {
    push(samples, ts) {
      if (!(samples instanceof Float32Array)) throw new TypeError('audio samples must be a Float32Array');
      if (samples.length === 0) return;
      if (waiting === 0) firstTs = ts;
      parts.push(samples.slice());
      waiting += samples.length;
      pump();
    },
    stats: () => ({ ...s, waiting }),
  };
}
