// Silero VAD v5 framing: 512 new samples at 16 kHz per run, preceded by the previous 64 samples (without
// that context the model answers ≈0 everywhere), with its recurrent state carried from run to run.

export const VAD_SAMPLE_RATE = 16_000;
export const VAD_FRAME = 512;
export const VAD_CONTEXT = 64;
export const VAD_STATE_SIZE = 2 * 1 * 128;

/**
 * Cuts a stream of arbitrary-length chunks into model inputs; keeps the remainder and the context. The
 * input is one buffer rewritten in place for every frame (the model copies it into its own memory on each
 * run), so framing a stream allocates nothing per frame.
 */
export class SileroFramer {
  /** The current model input: 64 samples of context, then 512 new ones. Rewritten by every next(). */
  readonly input = new Float32Array(VAD_CONTEXT + VAD_FRAME);
  private pending = new Float32Array(8 * VAD_FRAME);
  private start = 0;
  private end = 0;
  /** Samples consumed into frames so far: the stream position of the next frame's first new sample. */
  framed = 0;

  /** Adds a chunk; its samples come out of next() in order. */
  push(chunk: Float32Array): void {
    const left = this.end - this.start;
    if (this.end + chunk.length > this.pending.length) {
      // Move the remainder (< one frame after next() ran dry) to the front, growing only for big chunks.
      const need = left + chunk.length;
      if (need > this.pending.length) {
        const grown = new Float32Array(need);
        grown.set(this.pending.subarray(this.start, this.end));
        this.pending = grown;
      } else this.pending.copyWithin(0, this.start, this.end);
      this.start = 0;
      this.end = left;
    }
    this.pending.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Writes the next complete frame into `input` and returns it, or null until enough samples arrive. */
  next(): Float32Array | null {
    if (this.end - this.start < VAD_FRAME) return null;
    this.input.copyWithin(0, VAD_FRAME, VAD_FRAME + VAD_CONTEXT);
    this.input.set(this.pending.subarray(this.start, this.start + VAD_FRAME), VAD_CONTEXT);
    this.start += VAD_FRAME;
    this.framed += VAD_FRAME;
    return this.input;
  }
}

export interface SpeechSegment {
  /** Seconds from the start of the stream. */
  start: number;
  end: number;
}

export interface HysteresisOptions {
  /** Probability at or above which a frame counts as speech. */
  positive: number;
  /** Probability below which a frame counts as silence; between the two the state holds. */
  negative: number;
  /** Silence this long (ms) ends a segment; shorter pauses stay inside it. */
  hangoverMs: number;
  /** Segments shorter than this (ms) are dropped as clicks. */
  minSpeechMs: number;
  frameMs: number;
}

export const DEFAULT_HYSTERESIS: Readonly<HysteresisOptions> = Object.freeze({
  positive: 0.5,
  negative: 0.35,
  hangoverMs: 320,
  minSpeechMs: 160,
  frameMs: (VAD_FRAME / VAD_SAMPLE_RATE) * 1000,
});

export type SegmenterEvent =
  | { type: 'start'; at: number }
  | { type: 'end'; segment: SpeechSegment }
  /** A started segment that turned out shorter than minSpeechMs. */
  | { type: 'discard'; segment: SpeechSegment };

/**
 * Speech start/end from per-frame probabilities, with hysteresis: a start is reported at the first speech
 * frame, an end once silence has lasted `hangoverMs`, timed at the end of the last speech frame.
 */
export class HysteresisSegmenter {
  private inSpeech = false;
  private start = 0;
  private lastSpeechEnd = 0;
  private frames = 0;

  constructor(private readonly o: HysteresisOptions = DEFAULT_HYSTERESIS) {
    if (!(o.negative <= o.positive)) throw new Error('hysteresis: negative threshold must be ≤ positive');
  }

  /** Feeds one frame's probability; `index` counts frames from the stream start. */
  push(probability: number): SegmenterEvent[] {
    const i = this.frames++;
    const frameStart = (i * this.o.frameMs) / 1000;
    const frameEnd = ((i + 1) * this.o.frameMs) / 1000;
    const out: SegmenterEvent[] = [];
    if (!this.inSpeech) {
      if (probability >= this.o.positive) {
        this.inSpeech = true;
        this.start = frameStart;
        this.lastSpeechEnd = frameEnd;
        out.push({ type: 'start', at: frameStart });
      }
      return out;
    }
    if (probability >= this.o.negative) this.lastSpeechEnd = frameEnd;
    else if ((frameEnd - this.lastSpeechEnd) * 1000 >= this.o.hangoverMs) out.push(this.close());
    return out;
  }

  /** Ends an open segment (the stream stopped). */
  flush(): SegmenterEvent[] {
    return this.inSpeech ? [this.close()] : [];
  }

  private close(): SegmenterEvent {
    this.inSpeech = false;
    const segment = { start: this.start, end: this.lastSpeechEnd };
    return (segment.end - segment.start) * 1000 >= this.o.minSpeechMs
      ? { type: 'end', segment }
      : { type: 'discard', segment };
  }
}
