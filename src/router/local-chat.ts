// The router's `chat` on the device: the text-generation model the user brought (src/inference/generation).
// It supports `chat` only while a model is loaded, so without one the policy's decision says no local model
// does the task; its confidence is the model's mean token probability.
import type { GenerationClient } from '../inference/generation/client';
import type { ChatTurn } from '../inference/generation/types';
import type { LocalAnswer, LocalInference } from './router';

export interface LocalChatOptions {
  /** Tokens a local answer may have (default 128). */
  maxTokens?: number;
  /** Latency assumed before the first local answer has been measured, ms. */
  initialLatencyMs?: number;
}

function asTurns(input: unknown): ChatTurn[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const m = (input as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(m) || m.length === 0) {
    throw new TypeError('chat input must be a string or { messages: [{ role, content }, …] }');
  }
  return m as ChatTurn[];
}

export function createLocalChat(
  generation: Pick<GenerationClient, 'generate' | 'loaded'>,
  options: LocalChatOptions = {},
): LocalInference {
  let latency: number | null = null;
  return {
    supports: (task) => task === 'chat' && generation.loaded() !== null,
    estimateLatencyMs: () => latency ?? options.initialLatencyMs ?? 2000,
    async run(task, input, { signal }): Promise<LocalAnswer> {
      if (task !== 'chat') throw new RangeError(`the local text-generation model does "chat", not "${task}"`);
      const r = await generation.generate(
        { messages: asTurns(input) },
        { maxTokens: options.maxTokens ?? 128, ...(signal ? { signal } : {}) },
      );
      const ms = r.totalMs - r.queueMs;
      latency = latency === null ? ms : latency + 0.3 * (ms - latency);
      return {
        output: { text: r.text, model: r.model },
        confidence: r.meanTokenProbability,
        features: { tokens: r.tokens, tokensPerSecond: r.tokensPerSecond },
      };
    },
  };
}

/** Several local sides as one: each task goes to the first that supports it now. */
export function combineLocal(...sides: LocalInference[]): LocalInference {
  const pick = (task: string) => sides.find((s) => s.supports(task));
  return {
    supports: (task) => pick(task) !== undefined,
    estimateLatencyMs: (task) => pick(task)?.estimateLatencyMs(task) ?? 0,
    run(task, input, options) {
      const side = pick(task);
      if (!side) return Promise.reject(new RangeError(`no local model does "${task}" now`));
      return side.run(task, input, options);
    },
  };
}
