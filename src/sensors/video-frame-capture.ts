// Camera capture through requestVideoFrameCallback on a detached <video>: the path for browsers without
// MediaStreamTrackProcessor. Its callbacks ride on the page's rendering, not on the camera, so a <video> can
// stop getting them while the track is live and the camera still sends frames (seen once in a loaded test
// run: "running", and not one frame in 60 s). A capture that reports running and delivers nothing is the
// worst failure a sensor can have, so a watchdog notices the silence, replaces the <video>, says so, and
// gives up with an error after a few tries instead of waiting forever.

export interface VideoFrameCaptureOptions {
  /** A frame read from the <video>, with its capture instant in ms since the epoch. */
  onFrame(frame: VideoFrame, ts: number): void;
  /** The capture cannot go on (a frame could not be read, or the silence outlasted every restart). */
  onFailed(error: unknown): void;
  /** No frame for `stallMs` while the track is live: the <video> is being replaced (try `attempt` of max). */
  onStalled(silentMs: number, attempt: number, maxRestarts: number): void;
  /** A frame arrived after `onStalled`. */
  onRecovered(): void;
  /** Silence that counts as a stall once frames have flowed. Default 3000 ms. */
  stallMs?: number;
  /** Allowed before the first frame: a camera and a <video> can take seconds to start on a busy machine. Default 10000 ms. */
  firstFrameMs?: number;
  /** Replacements of the <video> in a row without a frame before giving up. Default 3. */
  maxRestarts?: number;
  /** How often the silence is checked. Default 250 ms. */
  checkMs?: number;
}

/** Starts capturing `stream`'s video; returns the function that stops it. */
export function captureWithVideoFrameCallback(
  stream: MediaStream,
  options: VideoFrameCaptureOptions,
): () => void {
  const stallMs = options.stallMs ?? 3000;
  const firstFrameMs = options.firstFrameMs ?? 10_000;
  const maxRestarts = options.maxRestarts ?? 3;
  let stopVideo = () => {};
  let lastFrameAt = performance.now();
  let framesSeen = false;
  let restarts = 0;
  let stalled = false;
  let done = false;

  const stop = () => {
    done = true;
    clearInterval(watchdog);
    stopVideo();
  };
  const fail = (e: unknown) => {
    if (done) return;
    stop();
    options.onFailed(e);
  };

  function frameArrived(framesOfThisVideo: number): void {
    lastFrameAt = performance.now();
    framesSeen = true;
    // A new <video> on a stream shows its current frame once even when nothing new comes (a frozen source):
    // only a second frame proves the stream moves again.
    if (framesOfThisVideo < 2) return;
    restarts = 0;
    if (stalled) {
      stalled = false;
      options.onRecovered();
    }
  }

  function play(): () => void {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    let handle = 0;
    let live = true;
    let frames = 0;
    const onFrame = (_now: number, md: VideoFrameCallbackMetadata) => {
      if (!live || done) return;
      frameArrived(++frames);
      // captureTime is the camera's own capture instant in this page's clock, where the browser has it.
      const ts = performance.timeOrigin + (md.captureTime ?? md.expectedDisplayTime);
      let frame: VideoFrame;
      try {
        frame = new VideoFrame(video, { timestamp: Math.round(md.mediaTime * 1e6) });
      } catch (e) {
        return fail(e);
      }
      handle = video.requestVideoFrameCallback(onFrame);
      options.onFrame(frame, ts);
    };
    handle = video.requestVideoFrameCallback(onFrame);
    video.play().catch((e: unknown) => live && fail(e));
    return () => {
      live = false;
      video.cancelVideoFrameCallback(handle);
      video.pause();
      video.srcObject = null;
    };
  }

  function check(): void {
    const track = stream.getVideoTracks()[0];
    // No frames is expected from a muted track (the device paused it) and from a hidden page (nothing renders,
    // so no callbacks): neither is a stall, and the clock starts again when they end.
    if (!track || track.readyState !== 'live' || track.muted || document.hidden) {
      lastFrameAt = performance.now();
      return;
    }
    const silentMs = performance.now() - lastFrameAt;
    if (silentMs < (framesSeen ? stallMs : firstFrameMs)) return;
    if (restarts >= maxRestarts) {
      return fail(
        new Error(
          `no camera frame for ${Math.round(silentMs)} ms after ${maxRestarts} restarts of the <video> (requestVideoFrameCallback never fired)`,
        ),
      );
    }
    restarts++;
    stalled = true;
    options.onStalled(Math.round(silentMs), restarts, maxRestarts);
    stopVideo();
    lastFrameAt = performance.now();
    stopVideo = play();
  }

  const watchdog = setInterval(check, options.checkMs ?? 250);
  stopVideo = play();
  return stop;
}
