// The raw baseline of having camera frames at all: getUserMedia and a MediaStreamTrackProcessor reader, no
// Sentio code. Benches measure against what a page pays for this.

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}

export interface RawCamera {
  reader: ReadableStreamDefaultReader<VideoFrame>;
  /** Cancels the reader and stops the track. */
  close(): void;
}

/** The fake camera at the size and rate perception asks for by default (640×480, 15 fps). */
export async function openRawCamera(): Promise<RawCamera> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480, frameRate: { ideal: 15, max: 15 } },
  });
  const track = stream.getVideoTracks()[0]!;
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: TrackProcessorCtor })
    .MediaStreamTrackProcessor;
  const reader = new Processor({ track }).readable.getReader();
  return {
    reader,
    close() {
      void reader.cancel();
      track.stop();
    },
  };
}
