// What the `text-generation` task takes and returns, shared by the generation worker and its clients.

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Either a chat (formatted with the model's own chat template) or a raw prompt continued as is. */
export type GenerationInput = { messages: ChatTurn[] } | { prompt: string };

export interface GenerationOptions {
  /** Tokens to generate at most (default 128). */
  maxTokens?: number;
  /** Sampling temperature (default 0.7; 0 is greedy). */
  temperature?: number;
  /** Nucleus sampling (default 0.95). */
  topP?: number;
  /** Generation ends before any of these strings; the string itself is not returned. */
  stop?: string[];
  /** Sampling seed, for repeatable runs. */
  seed?: number;
}

export interface GenerationResult {
  text: string;
  /** Why it ended: the model's end token or a stop string, the token limit, or a cancel. */
  finish: 'stop' | 'length' | 'cancelled';
  model: string;
  /** The engine that ran it, e.g. "wllama-wasm". */
  backend: string;
  threads: number;
  promptTokens: number;
  tokens: number;
  /** Generated tokens per second, after the first token. */
  tokensPerSecond: number;
  /** From the request reaching the engine to the first token, ms (includes prompt processing). */
  timeToFirstTokenMs: number;
  /** Time spent waiting behind other requests, ms. */
  queueMs: number;
  totalMs: number;
  /** Mean probability of the tokens it chose: the router's confidence in a local answer. */
  meanTokenProbability: number;
}

export interface LoadedModelInfo {
  model: string;
  backend: string;
  threads: number;
  contextTokens: number;
  /** The chat template from the model's metadata (null when the model has none). */
  chatTemplate: string | null;
  loadMs: number;
}

export interface LoadOptions {
  /** WASM threads (default: half the cores; 1 when not cross-origin isolated). */
  threads?: number;
  /** Context window in tokens (default 1024, capped by what the model was trained on). */
  contextTokens?: number;
}
