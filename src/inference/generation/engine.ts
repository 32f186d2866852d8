// The generation engine inside its worker: llama.cpp compiled to WASM (wllama) on a GGUF model the user
// brought. One model at a time; requests run one after another (a second one waits, it does not share the
// context); a cancel asks llama.cpp to stop the request, so the worker is free again at once.
import { Wllama, WllamaAbortError, type ChatCompletionChunk, type RawCompletionChunk } from '@wllama/wllama';
import {
  ContextOverflowError,
  GenerationCancelledError,
  GenerationInputError,
  GenerationUnavailableError,
  ModelFormatError,
  NoModelLoadedError,
} from './errors';
import type {
  GenerationInput,
  GenerationOptions,
  GenerationResult,
  LoadedModelInfo,
  LoadOptions,
} from './types';

export interface GenerationEngine {
  load(model: string, file: Blob, options?: LoadOptions): Promise<LoadedModelInfo>;
  unload(): Promise<void>;
  loaded(): LoadedModelInfo | null;
  /** Runs now; the caller (the queue) makes sure only one runs at a time. */
  generate(
    input: GenerationInput,
    options: GenerationOptions,
    onToken: (text: string) => void,
    signal: AbortSignal,
  ): Promise<Omit<GenerationResult, 'queueMs'>>;
}

export interface EngineConfig {
  /** URL of wllama.wasm, served by the app itself (nothing is fetched from a CDN). */
  wasmUrl: string;
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
}

const DEFAULTS = { maxTokens: 128, temperature: 0.7, topP: 0.95 } as const;
// llama-server's own wording, e.g. "request (1200 tokens) exceeds the available context size (1024 tokens)".
const OVERFLOW = /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/;

/**
 * The log-probabilities of a chunk's tokens. Typed as null for raw completions, but llama-server fills it
 * when asked: `{ content: [{ logprob }] }` (its OpenAI chat form), or `{ token_logprobs }` (the legacy one).
 */
function logprobsOf(l: unknown): number[] {
  const x = l as { content?: { logprob: number }[] | null; token_logprobs?: number[] } | null | undefined;
  return x?.content?.map((t) => t.logprob) ?? x?.token_logprobs ?? [];
}

function checkInput(input: GenerationInput): void {
  if (input === null || typeof input !== 'object')
    throw new GenerationInputError('expected { messages } or { prompt }');
  if ('messages' in input) {
    if (!Array.isArray(input.messages) || input.messages.length === 0)
      throw new GenerationInputError('messages must be a non-empty array of { role, content }');
    for (const [i, m] of input.messages.entries()) {
      if (!['system', 'user', 'assistant'].includes(m?.role) || typeof m?.content !== 'string')
        throw new GenerationInputError(
          `messages[${i}] must be { role: system|user|assistant, content: string }`,
        );
    }
  } else if (typeof (input as { prompt?: unknown }).prompt !== 'string') {
    throw new GenerationInputError('expected { messages } or { prompt: string }');
  }
}

export function createGenerationEngine(config: EngineConfig): GenerationEngine {
  let wllama: Wllama | null = null;
  let info: LoadedModelInfo | null = null;

  return {
    loaded: () => info,
    async unload() {
      const w = wllama;
      wllama = null;
      info = null;
      await w?.exit();
    },
    async load(model, file, options = {}) {
      if (wllama) await this.unload();
      const t0 = performance.now();
      const w = new Wllama({ default: config.wasmUrl }, { suppressNativeLog: true });
      // wllama 3.13 ships one build, with shared (threaded) WASM memory: it needs cross-origin isolation.
      if (!config.crossOriginIsolated) {
        throw new GenerationUnavailableError('the page is not cross-origin isolated (serve COOP/COEP)');
      }
      const threads = Math.max(1, options.threads ?? Math.floor(config.hardwareConcurrency / 2));
      try {
        // A File over the Blob costs nothing: the bytes stay where the browser keeps them (the Cache API).
        await w.loadModel([new File([file], `${model}.gguf`)], {
          n_threads: threads,
          n_ctx: options.contextTokens ?? 1024,
          n_gpu_layers: 0,
          n_parallel: 1,
        });
      } catch (err) {
        await w.exit().catch(() => {});
        throw new ModelFormatError(
          model,
          `llama.cpp could not load it (${err instanceof Error ? err.message : String(err)})`,
        );
      }
      wllama = w;
      info = {
        model,
        backend: 'wllama-wasm',
        threads: w.isMultithread() ? w.getNumThreads() : 1,
        contextTokens: w.getLoadedContextInfo().n_ctx,
        chatTemplate: w.getChatTemplate(),
        loadMs: performance.now() - t0,
      };
      return info;
    },
    async generate(input, options, onToken, signal) {
      const w = wllama;
      const loadedInfo = info;
      if (!w || !loadedInfo) throw new NoModelLoadedError();
      checkInput(input);
      const maxTokens = options.maxTokens ?? DEFAULTS.maxTokens;
      const t0 = performance.now();
      let first = 0;
      let last = 0;
      let text = '';
      let tokens = 0;
      let probSum = 0;
      let probN = 0;
      let promptTokens = 0;
      let reported: number | null = null;
      let finish: GenerationResult['finish'] = 'length';
      const onPiece = (piece: string, logprobs: number[], reason: string | null | undefined) => {
        if (piece) {
          if (!first) first = performance.now();
          last = performance.now();
          text += piece;
          onToken(piece);
        }
        for (const lp of logprobs) {
          probSum += Math.exp(lp);
          probN++;
        }
        tokens += logprobs.length || (piece ? 1 : 0);
        if (reason === 'stop') finish = 'stop';
      };
      const common = {
        stream: true as const,
        // Ask for usage and timings in the stream's last chunk: the prompt's size is in them.
        timings_per_token: true,
        max_tokens: maxTokens,
        temperature: options.temperature ?? DEFAULTS.temperature,
        top_p: options.topP ?? DEFAULTS.topP,
        ...(options.stop?.length ? { stop: options.stop } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        abortSignal: signal,
      };
      try {
        if ('messages' in input) {
          await w.createChatCompletion({
            ...common,
            messages: input.messages,
            logprobs: true,
            onData: (c: ChatCompletionChunk) => {
              const ch = c.choices[0];
              if (c.usage) [promptTokens, reported] = [c.usage.prompt_tokens, c.usage.completion_tokens];
              else if (c.timings) promptTokens = c.timings.prompt_n + c.timings.cache_n;
              onPiece(
                ch?.delta.content ?? '',
                ch?.logprobs?.content?.map((l) => l.logprob) ?? [],
                ch?.finish_reason,
              );
            },
          });
        } else {
          await w.createCompletion({
            ...common,
            prompt: input.prompt,
            logprobs: 1,
            onData: (c: RawCompletionChunk) => {
              const ch = c.choices[0];
              if (c.usage) [promptTokens, reported] = [c.usage.prompt_tokens, c.usage.completion_tokens];
              else if (c.timings) promptTokens = c.timings.prompt_n + c.timings.cache_n;
              onPiece(ch?.text ?? '', logprobsOf(ch?.logprobs), ch?.finish_reason);
            },
          });
        }
      } catch (err) {
        if (err instanceof WllamaAbortError || signal.aborted)
          throw new GenerationCancelledError('cancelled');
        const m = err instanceof Error ? OVERFLOW.exec(err.message) : null;
        if (m) throw new ContextOverflowError(Number(m[1]), maxTokens, Number(m[2]));
        throw err;
      }
      const end = performance.now();
      if (reported !== null) tokens = reported;
      return {
        text,
        finish,
        model: loadedInfo.model,
        backend: loadedInfo.backend,
        threads: loadedInfo.threads,
        promptTokens,
        tokens,
        tokensPerSecond: tokens > 1 && last > first ? ((tokens - 1) * 1000) / (last - first) : 0,
        timeToFirstTokenMs: first ? first - t0 : end - t0,
        totalMs: end - t0,
        meanTokenProbability: probN ? probSum / probN : 0,
      };
    },
  };
}
