// Camera VideoFrames from MediaStreamTrackProcessor carry the capture instant in µs of the browser's
// monotonic clock, which is not this page's performance.now() (measured: they differ by the time since the
// browser started). The offset between the two is constant, so it is learned from the frames themselves:
// the largest (frame time − read time) seen is the offset less the fastest capture→read latency, which
// is a fraction of a millisecond (measured ~0.1–1 ms), so capture times are exact to about that.

export interface FrameClock {
  /** ms since epoch of a frame's capture, from its timestamp (µs) and the page's now() when it was read. */
  epochMs(frameTimestampUs: number, readAtPerfMs: number): number;
}

export function createFrameClock(timeOrigin: number = performance.timeOrigin): FrameClock {
  let offset = -Infinity;
  return {
    epochMs(frameTimestampUs, readAtPerfMs) {
      const frameMs = frameTimestampUs / 1000;
      offset = Math.max(offset, frameMs - readAtPerfMs);
      return timeOrigin + frameMs - offset;
    },
  };
}
