// Audio runners: voice activity (Silero on onnxruntime, state kept per stream) and speech recognition
// (Whisper on transformers.js). Audio is 16 kHz mono Float32, or a WAV Blob converted here.
import { wavTo16kMono } from '../audio';
import type { OnnxBackend, OnnxInput, OnnxSession } from '../backends/onnxruntime';
import type { BackendRegistry } from '../backends/registry';
import type { SpeechRecognizer, TransformersBackend } from '../backends/transformers';
import { InferenceInputError } from '../errors';
import type { Loaded } from '../session-cache';
import {
  DEFAULT_HYSTERESIS,
  HysteresisSegmenter,
  SileroFramer,
  VAD_FRAME,
  VAD_SAMPLE_RATE,
  VAD_STATE_SIZE,
  type SpeechSegment,
} from '../tasks/silero';
import { ms, type Runner, type RunnerContext } from './context';

export interface AudioRegistries {
  onnx: BackendRegistry<OnnxBackend>;
  transformers: BackendRegistry<TransformersBackend>;
}

interface VadStream {
  framer: SileroFramer;
  feeds: { input: OnnxInput; state: OnnxInput & { type: 'float32' }; sr: OnnxInput };
}

function newVadStream(): VadStream {
  const framer = new SileroFramer();
  return {
    framer,
    feeds: {
      input: { type: 'float32', data: framer.input, dims: [1, framer.input.length] },
      state: { type: 'float32', data: new Float32Array(VAD_STATE_SIZE), dims: [2, 1, 128] },
      sr: { type: 'int64', data: BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), dims: [1] },
    },
  };
}

export function createAudioRunners(
  ctx: RunnerContext,
  r: AudioRegistries,
): {
  'voice-activity': Runner<'voice-activity'>;
  'speech-recognition': Runner<'speech-recognition'>;
  /** Forgets every stream's VAD state (the model was released). */
  clearStreams(): void;
} {
  const vadStreams = new Map<string, VadStream>();
  return {
    async 'voice-activity'(input, opts, t) {
      const c = ctx.candidatesFor('voice-activity', opts);
      const l = await ctx.sessions.session<OnnxBackend, OnnxSession>(
        'voice-activity',
        r.onnx,
        c,
        async (b, entry) => {
          const m = await ctx.store.loadModel(entry);
          const session = await b.createSession(m.files.get('model.onnx')!);
          // Warm-up on one silent frame with a throw-away state.
          await session.run(newVadStream().feeds);
          return { session, threads: b.threads, source: m.source, dispose: () => session.release() };
        },
      );
      const t0 = ctx.now();
      const audio = await toAudio(input, 'voice-activity');
      let s: VadStream;
      if (opts.stream) {
        s = vadStreams.get(opts.stream) ?? newVadStream();
        vadStreams.set(opts.stream, s);
      } else s = newVadStream();
      const firstSample = s.framer.framed;
      s.framer.push(audio);
      const t1 = ctx.now();
      const probabilities: number[] = [];
      // One feeds object per stream: the framer rewrites its input in place, the state is swapped in.
      while (s.framer.next()) {
        const out = await l.session.run(s.feeds);
        probabilities.push(out['output']!.data[0]!);
        s.feeds.state.data = out['stateN']!.data;
      }
      const t2 = ctx.now();
      let segments: SpeechSegment[] | null = null;
      if (!opts.stream) {
        const seg = new HysteresisSegmenter(DEFAULT_HYSTERESIS);
        segments = [];
        for (const p of probabilities)
          for (const e of seg.push(p)) if (e.type === 'end') segments.push(e.segment);
        for (const e of seg.flush()) if (e.type === 'end') segments.push(e.segment);
      }
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, t2);
      t.decodeMs += ms(t2, ctx.now());
      return {
        l: l as Loaded<unknown>,
        output: { frameMs: (VAD_FRAME / VAD_SAMPLE_RATE) * 1000, probabilities, firstSample, segments },
      };
    },

    async 'speech-recognition'(input, opts, t) {
      const c = ctx.candidatesFor('speech-recognition', opts);
      const l = await ctx.sessions.session<TransformersBackend, SpeechRecognizer>(
        'speech-recognition',
        r.transformers,
        c,
        async (b, entry) => {
          const made = await b.loadSpeechRecognizer(entry, ctx.store);
          return {
            session: made.recognizer,
            threads: b.threads,
            source: made.source,
            dispose: () => made.recognizer.dispose(),
          };
        },
      );
      const t0 = ctx.now();
      const audio = await toAudio(input, 'speech-recognition');
      if (audio.length === 0) throw new InferenceInputError('speech-recognition', 'the audio is empty');
      const t1 = ctx.now();
      const { text, tokenConfidences } = await l.session.transcribe(audio, { language: opts.language });
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, ctx.now());
      return {
        l: l as Loaded<unknown>,
        output: { text, seconds: audio.length / VAD_SAMPLE_RATE, tokenConfidences },
      };
    },

    clearStreams: () => vadStreams.clear(),
  };
}

async function toAudio(input: unknown, task: string): Promise<Float32Array> {
  if (input instanceof Float32Array) {
    for (let i = 0; i < input.length; i += 997)
      if (!Number.isFinite(input[i]!))
        throw new InferenceInputError(task, `sample ${i} is not a finite number`);
    return input;
  }
  if (input instanceof Blob) {
    try {
      return wavTo16kMono(await input.arrayBuffer());
    } catch (err) {
      throw new InferenceInputError(task, `the Blob is not a usable WAV file: ${(err as Error).message}`);
    }
  }
  throw new InferenceInputError(task, 'expected 16 kHz mono audio as a Float32Array, or a WAV Blob');
}
