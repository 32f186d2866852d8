// The raw platform measurements other benchmarks compare against: page → dedicated worker (raw-echo.worker)
// batched throughput and round trips. No Sentio code on these paths.
import type { RawMessage } from './raw-echo.worker';
import { sampleEvent } from './sample-events';

export function waitFor<T>(w: Worker, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (e: MessageEvent) => {
      if (e.data?.type === type) {
        w.removeEventListener('message', on);
        resolve(e.data as T);
      }
    };
    w.addEventListener('message', on);
  });
}

/** Events per second to the worker; `batch` 1 posts one message per event. */
export async function rawThroughput(w: Worker, n: number, batch: number): Promise<number> {
  const t0 = performance.now();
  if (batch === 1) {
    for (let i = 0; i < n; i++) w.postMessage({ type: 'event', event: sampleEvent(i) } satisfies RawMessage);
  } else {
    for (let i = 0; i < n; i += batch) {
      const events = [];
      for (let j = i; j < i + batch && j < n; j++) events.push(sampleEvent(j));
      w.postMessage({ type: 'batch', events } satisfies RawMessage);
    }
  }
  w.postMessage({ type: 'count' } satisfies RawMessage);
  const { received } = await waitFor<{ received: number }>(w, 'count');
  if (received !== n) throw new Error(`raw worker received ${received} of ${n}`);
  return n / ((performance.now() - t0) / 1000);
}

/** Round trips in µs, sorted. */
export async function rawRoundTrips(w: Worker, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    w.postMessage({ type: 'ping', t } satisfies RawMessage);
    await waitFor(w, 'pong');
    out.push((performance.now() - t) * 1000);
  }
  return out.sort((a, b) => a - b);
}
