// Camera frames (VideoFrame) and their copies (ImageBitmap) hold GPU or capture buffers that the garbage
// collector frees late, and a camera has only a few: whoever owns one and will not pass it on closes it.
/** Closes a frame, or anything else with a `close()`; other values (typed arrays, null) are left alone. */
export function releaseFrame(frame: unknown): void {
  const closable = frame as { close?: unknown } | null | undefined;
  if (closable && typeof closable.close === 'function') (closable as { close(): void }).close();
}
