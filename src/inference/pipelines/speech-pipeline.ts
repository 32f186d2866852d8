// Microphone chunks (16 kHz mono Float32) → voice activity with hysteresis → `audio.speech.start` /
// `audio.speech.end` → a transcript per segment (`audio.transcript`). Audio is never dropped: chunks are
// processed in order. The audio of recent segments stays here, in this thread (it is 'local' data), for
// whoever needs it: `segmentAudio(n)`. Times are seconds from the stream's first sample.
import { systemClock } from '../../platform/clock';
import type { Privacy, TraceContext } from '../../events/event';
import {
  DEFAULT_HYSTERESIS,
  HysteresisSegmenter,
  VAD_SAMPLE_RATE,
  type HysteresisOptions,
} from '../tasks/silero';
import { createErrorEvents } from './error-events';
import { produced } from './events';
import type { InputMeta, PipelineOptions, PipelineStats } from './types';

export interface SpeechPipelineOptions extends PipelineOptions {
  /** Names the stream; the VAD's recurrent state is kept per stream in the worker. */
  stream: string;
  /** Transcribe each segment (default true). */
  transcribe?: boolean;
  hysteresis?: HysteresisOptions;
  /** Audio kept before a segment's first speech frame, so its first syllable is not clipped. */
  preRollMs?: number;
  /** How many finished segments' audio to keep (default 8). */
  keepSegments?: number;
}

export interface SpeechPipeline {
  /** Adds a chunk; resolves once its frames have been through the VAD (transcripts follow on their own). */
  push(chunk: Float32Array, meta?: InputMeta): Promise<void>;
  /** Ends an open segment (the stream stopped) and waits for pending transcripts. */
  flush(): Promise<void>;
  segmentAudio(segment: number): Float32Array | undefined;
  stats(): PipelineStats & { segments: number; transcripts: number };
  close(): void;
}

export function createSpeechPipeline(o: SpeechPipelineOptions): SpeechPipeline {
  const clock = o.clock ?? systemClock;
  const seg = new HysteresisSegmenter(o.hysteresis ?? DEFAULT_HYSTERESIS);
  const preRoll = Math.round(((o.preRollMs ?? 300) / 1000) * VAD_SAMPLE_RATE);
  const keep = o.keepSegments ?? 8;
  const s = { received: 0, processed: 0, superseded: 0, failed: 0, segments: 0, transcripts: 0 };
  const errors = createErrorEvents(o.bus, 'speech');
  /** Audio since `bufferStart` (samples from the stream start): pre-roll while silent, the segment while speaking. */
  let buffer = new Float32Array(0);
  let bufferStart = 0;
  let streamStartTs: number | null = null;
  let privacy: Privacy = 'local';
  let segmentNo = 0;
  let chain = Promise.resolve();
  const transcripts = new Set<Promise<void>>();
  const kept = new Map<number, Float32Array>();
  let closed = false;
  let inSpeech = false;
  let vadBackend = 'unknown';

  const tsAt = (sec: number) => (streamStartTs ?? clock.now()) + sec * 1000;
  const append = (chunk: Float32Array) => {
    const b = new Float32Array(buffer.length + chunk.length);
    b.set(buffer);
    b.set(chunk, buffer.length);
    buffer = b;
  };
  const trimTo = (sample: number) => {
    if (sample <= bufferStart) return;
    buffer = buffer.slice(Math.min(buffer.length, sample - bufferStart));
    bufferStart = sample;
  };
  const slice = (startSec: number, endSec: number) => {
    const a = Math.max(0, Math.round(startSec * VAD_SAMPLE_RATE) - preRoll - bufferStart);
    const b = Math.round(endSec * VAD_SAMPLE_RATE) - bufferStart;
    return buffer.slice(a, Math.max(a, b));
  };

  /** `trace`: of the voice-activity run that ended the segment; transcription continues it. */
  function transcribe(n: number, audio: Float32Array, start: number, end: number, trace?: TraceContext) {
    const stage = o.tracer?.begin('inference', 'speech-recognition', trace);
    const p = o
      .infer('speech-recognition', audio)
      .then((r) => {
        s.transcripts++;
        stage?.end();
        errors.succeeded('speech-recognition');
        o.bus.publish(
          'audio.transcript',
          { stream: o.stream, segment: n, text: r.output.text, start, end, ...produced(r) },
          { ts: tsAt(start), privacy, qos: 'batched', ...(stage ? { trace: stage.trace } : {}) },
        );
      })
      .catch((err: Error) => {
        stage?.end(err);
        s.failed++;
        errors.failed('speech-recognition', err, privacy);
      })
      .finally(() => transcripts.delete(p));
    transcripts.add(p);
  }

  function handle(events: ReturnType<HysteresisSegmenter['push']>, backend: string, trace?: TraceContext) {
    const traced = trace ? { trace } : {};
    for (const e of events) {
      if (e.type === 'start') {
        inSpeech = true;
        o.bus.publish(
          'audio.speech.start',
          { stream: o.stream, segment: ++segmentNo, at: e.at, backend },
          { ts: tsAt(e.at), privacy, qos: 'realtime', ...traced },
        );
        continue;
      }
      inSpeech = false;
      if (e.type === 'discard') continue;
      const { start, end } = e.segment;
      s.segments++;
      o.bus.publish(
        'audio.speech.end',
        { stream: o.stream, segment: segmentNo, start, end, backend },
        { ts: tsAt(end), privacy, qos: 'realtime', ...traced },
      );
      const audio = slice(start, end);
      kept.set(segmentNo, audio);
      for (const k of kept.keys()) if (kept.size > keep) kept.delete(k);
      if (o.transcribe !== false) transcribe(segmentNo, audio, start, end, trace);
    }
  }

  return {
    push(chunk, meta = {}) {
      if (closed) return Promise.reject(new Error('the speech pipeline is closed'));
      if (!(chunk instanceof Float32Array))
        return Promise.reject(new TypeError('a chunk must be a Float32Array of 16 kHz samples'));
      s.received++;
      streamStartTs ??= meta.ts ?? clock.now();
      if (meta.privacy) privacy = meta.privacy;
      const own = chunk.slice();
      chain = chain.then(async () => {
        append(own);
        const stage = o.tracer?.begin('inference', 'voice-activity', meta.trace);
        try {
          // `own` is in the buffer now (append copied it): hand it to the worker instead of copying again.
          const r = await o.infer('voice-activity', own, { stream: o.stream, transfer: true });
          vadBackend = r.backend;
          stage?.end();
          for (const p of r.output.probabilities) handle(seg.push(p), r.backend, stage?.trace);
          s.processed++;
          errors.succeeded('voice-activity');
        } catch (err) {
          stage?.end(err);
          s.failed++;
          errors.failed('voice-activity', err as Error, privacy);
        }
        // While silent, only the pre-roll is worth keeping.
        if (!inSpeech) trimTo(bufferStart + buffer.length - preRoll);
      });
      return chain;
    },
    async flush() {
      await chain;
      handle(seg.flush(), vadBackend);
      await Promise.all([...transcripts]);
    },
    segmentAudio: (n) => kept.get(n),
    stats: () => ({ ...s }),
    close() {
      closed = true;
    },
  };
}
