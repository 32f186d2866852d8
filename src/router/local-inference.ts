// The router's view of on-device inference: maps the router's task names onto the inference worker's
// tasks (src/inference/), turns each result into an answer with the model's own confidence and the
// features the learned router reads, and keeps a running latency estimate per task for the policy.
import type { InferenceClient } from '../inference/client';
import type { Task } from '../inference/manifest';
import type { InferResult } from '../inference/types';
import { confidenceFeatures, draftFeatures } from '../../scripts/dev-endpoint/stt-features.mjs';
import type { LocalAnswer, LocalInference } from './router';

/** How one router task runs on the device. */
export interface LocalTaskSpec<T extends Task = Task> {
  task: T;
  /** The router task's input → the inference task's input; throws a TypeError naming what is wrong. */
  toInput(input: unknown): unknown;
  answer(result: InferResult<T>): LocalAnswer;
  /** Latency assumed before the first run has been measured, ms. */
  initialLatencyMs: number;
}

/** `speech.transcribe` on the device: Whisper tiny; its confidence is the mean of its token probabilities. */
export const speechTranscribeSpec: LocalTaskSpec<'speech-recognition'> = {
  task: 'speech-recognition',
  toInput(input) {
    const clip = (input as { clip?: unknown } | null)?.clip;
    if (clip instanceof Blob || clip instanceof Float32Array) return clip;
    throw new TypeError('speech.transcribe input must be { clip: Blob | Float32Array (16 kHz mono) }');
  },
  answer({ output }) {
    const conf = confidenceFeatures(output.tokenConfidences);
    return {
      output: { text: output.text },
      confidence: output.tokenConfidences.length ? conf.draftMeanTokenConf : 0,
      // The same features, by the same code, as the learned router was trained on (eval/router/stt-outcomes.ts).
      features: { durationS: output.seconds, ...draftFeatures(output, output.seconds) },
    };
  },
  initialLatencyMs: 1500,
};

export const DEFAULT_LOCAL_TASKS: Record<string, LocalTaskSpec> = {
  'speech.transcribe': speechTranscribeSpec as unknown as LocalTaskSpec,
};

/** Weight of the newest measurement in the latency estimate (an exponential moving average). */
const LATENCY_SMOOTHING = 0.3;

export function createLocalInference(
  client: Pick<InferenceClient, 'infer'>,
  tasks: Record<string, LocalTaskSpec> = DEFAULT_LOCAL_TASKS,
): LocalInference & { latencyEstimates(): Record<string, number> } {
  const latency = new Map<string, number>();
  function spec(task: string): LocalTaskSpec {
    const s = tasks[task];
    if (!s)
      throw new RangeError(
        `no local model for router task "${task}" (local: ${Object.keys(tasks).join(', ')})`,
      );
    return s;
  }
  return {
    supports: (task) => Object.hasOwn(tasks, task),
    estimateLatencyMs: (task) => latency.get(task) ?? tasks[task]?.initialLatencyMs ?? 0,
    async run(task, input, { signal }) {
      const s = spec(task);
      const result = await client.infer(s.task, s.toInput(input), signal ? { signal } : {});
      // Model loading is a one-off; it must not make the policy think every later call is slow.
      const ms = result.timings.totalMs - result.timings.loadMs;
      const before = latency.get(task);
      latency.set(task, before === undefined ? ms : before + LATENCY_SMOOTHING * (ms - before));
      return s.answer(result);
    },
    latencyEstimates: () => Object.fromEntries(latency),
  };
}
