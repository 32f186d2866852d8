// Client for one OpenAI-compatible endpoint: chat completions (streamed), embeddings and transcriptions.
// Everything goes through the egress gate. Adds timeouts, idempotency keys, retries with jittered
// exponential backoff that honour Retry-After, and a circuit breaker.
import type { Privacy } from '../events/event';
import { EgressDeniedError, type EgressBody, type EgressGate } from '../privacy/egress-gate';
import { ConsentRevokedError } from '../privacy/consent';
import { backoffDelay } from '../platform/backoff';
import { isRetryableStatus, parseRetryAfter } from './http-retry';
import { CircuitOpenError, type CircuitBreaker } from './circuit-breaker';
import { sleep, type Clock } from '../platform/clock';
import { endpointHeaders, type EndpointConfig } from './endpoint';
import { readSseJson } from './sse';

export interface RetryOptions {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with its time so a queue can wait. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  baseMs: 250,
  maxMs: 8000,
  maxRetryAfterMs: 30_000,
};

export type AttemptReport =
  | { attempt: number; outcome: 'ok'; status: number; ms: number }
  | {
      attempt: number;
      outcome: 'retry';
      status?: number;
      error?: string;
      delayMs: number;
      retryAfterMs?: number;
    }
  | { attempt: number; outcome: 'fail'; status?: number; error: string };

export class CloudHttpError extends Error {
  override name = 'CloudHttpError';
  constructor(
    readonly status: number,
    message: string,
    /** When the server asked us to come back (Retry-After), ms since epoch. */
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

/** OpenAI-compatible servers explain a refusal in `{error: {message}}`; anything else is shown as sent. */
export function openAiErrorMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body;
}

export class CloudTimeoutError extends Error {
  override name = 'CloudTimeoutError';
}

export class StreamInterruptedError extends Error {
  override name = 'StreamInterruptedError';
}

export interface CallOptions {
  privacy: Privacy;
  capability?: string;
  signal?: AbortSignal;
  idempotencyKey?: string;
  requestId?: string;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatResult {
  text: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  attempts: number;
  latencyMs: number;
  firstTokenMs: number;
}

export interface CloudClient {
  readonly endpoint: EndpointConfig;
  chat(
    messages: ChatMessage[],
    options: CallOptions & { onDelta?: (text: string) => void; maxTokens?: number },
  ): Promise<ChatResult>;
  embed(input: string[], options: CallOptions): Promise<{ vectors: number[][]; cost: number }>;
  transcribe(
    clip: Blob,
    options: CallOptions & { language?: string },
  ): Promise<{ text: string; latencyMs: number; attempts: number }>;
  /** Raw JSON POST with the same retry and breaker machinery (the offline outbox uses it). */
  postJson(path: string, body: unknown, options: CallOptions & { what: string }): Promise<unknown>;
  /** Median of recent successful round trips (time to response headers less server processing), ms. */
  rttMs(): number | undefined;
}

export interface CloudClientDeps {
  gate: EgressGate;
  endpoint: EndpointConfig;
  breaker: CircuitBreaker;
  clock: Clock;
  random?: () => number;
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
  newId?: () => string;
  onAttempt?: (report: AttemptReport) => void;
}

interface Exchange<T> {
  what: string;
  path: string;
  body: () => EgressBody;
  consume: (response: Response, progressed: () => void) => Promise<T>;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Errors that say nothing about the endpoint's health and must not be retried. */
function isPolicyError(err: unknown): boolean {
  return err instanceof EgressDeniedError || err instanceof ConsentRevokedError;
}

export function createCloudClient(deps: CloudClientDeps): CloudClient {
  const { gate, endpoint, breaker, clock } = deps;
  const random = deps.random ?? Math.random;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const report = deps.onAttempt ?? (() => undefined);
  const rtts: number[] = [];

  async function call<T>(ex: Exchange<T>, options: CallOptions): Promise<{ value: T; attempts: number }> {
    const key = options.idempotencyKey ?? newId();
    const capability = options.capability ?? 'cloud.chat';
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      if (!breaker.tryAcquire()) {
        throw new CircuitOpenError(endpoint.id, breaker.reopensAt() ?? clock.now());
      }
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new CloudTimeoutError(`no answer from "${endpoint.id}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
      const started = clock.now();
      let progressed = false;
      let status: number | undefined;
      let retryAfterMs: number | null = null;
      let failure: unknown;
      try {
        const response = await gate.send({
          target: { ...endpoint, headers: endpointHeaders(endpoint) },
          capability,
          what: ex.what,
          path: ex.path,
          body: ex.body(),
          privacy: options.privacy,
          headers: { 'idempotency-key': key },
          signal,
          requestId: options.requestId ?? key,
        });
        status = response.status;
        if (response.ok) {
          // Network round trip: time to the headers less the server's own work when it says how long that was
          // (OpenAI's openai-processing-ms); a transcription's compute is not network latency.
          const processing = Number(response.headers.get('openai-processing-ms'));
          rtts.push(Math.max(0, clock.now() - started - (Number.isFinite(processing) ? processing : 0)));
          if (rtts.length > 20) rtts.shift();
          const value = await ex.consume(response, () => (progressed = true));
          breaker.success();
          report({ attempt, outcome: 'ok', status, ms: clock.now() - started });
          return { value, attempts: attempt };
        }
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
        const text = await response.text().catch(() => '');
        failure = new CloudHttpError(
          response.status,
          `"${endpoint.id}" answered ${response.status}: ${openAiErrorMessage(text).slice(0, 300)}`,
          retryAfterMs === null ? undefined : clock.now() + retryAfterMs,
        );
      } catch (err) {
        failure = err;
      } finally {
        clearTimeout(timer);
      }
      // The caller gave up, or policy said no: not the endpoint's fault, nothing to retry.
      if (isPolicyError(failure) || (options.signal?.aborted && !timeout.signal.aborted)) {
        releaseTrial();
        throw options.signal?.aborted ? options.signal.reason : failure;
      }
      const retryable =
        failure instanceof CloudHttpError
          ? isRetryableStatus(failure.status)
          : !(failure instanceof SyntaxError);
      if (retryable) breaker.failure();
      if (progressed) {
        // Part of a streamed answer was already handed out: retrying would repeat it.
        const error = `stream broke after the first tokens: ${errorMessage(failure)}`;
        report({ attempt, outcome: 'fail', status, error });
        throw new StreamInterruptedError(error);
      }
      const tooLong = retryAfterMs !== null && retryAfterMs > retry.maxRetryAfterMs;
      if (!retryable || attempt >= retry.maxAttempts || tooLong) {
        report({ attempt, outcome: 'fail', status, error: errorMessage(failure) });
        throw failure;
      }
      const delayMs =
        retryAfterMs ?? backoffDelay(attempt, { baseMs: retry.baseMs, maxMs: retry.maxMs, random });
      report({
        attempt,
        outcome: 'retry',
        status,
        error: errorMessage(failure),
        delayMs,
        ...(retryAfterMs !== null ? { retryAfterMs } : {}),
      });
      await sleep(clock, delayMs, options.signal);
    }
  }

  /** A half-open breaker let this call through as its trial; a policy stop says nothing, so free the slot. */
  function releaseTrial(): void {
    if (breaker.state() === 'half-open') breaker.release();
  }

  const cost = (tokens: number) => (tokens / 1000) * endpoint.costPer1kTokens;

  return {
    endpoint,
    rttMs() {
      if (!rtts.length) return undefined;
      const s = [...rtts].sort((a, b) => a - b);
      return s[Math.floor(s.length / 2)];
    },
    async chat(messages, options) {
      const started = clock.now();
      let firstTokenMs = -1;
      const { value, attempts } = await call(
        {
          what: 'chat.completions',
          path: 'v1/chat/completions',
          body: () => ({
            kind: 'json',
            value: {
              model: endpoint.model,
              messages,
              stream: true,
              stream_options: { include_usage: true },
              ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
            },
          }),
          async consume(response, progressed) {
            let text = '';
            let model = endpoint.model;
            let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
            for await (const chunk of readSseJson(response.body!)) {
              const c = chunk as {
                model?: string;
                choices?: { delta?: { content?: string } }[];
                usage?: { prompt_tokens?: number; completion_tokens?: number };
              };
              if (c.model) model = c.model;
              if (c.usage) usage = c.usage;
              const delta = c.choices?.[0]?.delta?.content;
              if (delta) {
                if (firstTokenMs < 0) firstTokenMs = clock.now() - started;
                text += delta;
                progressed();
                options.onDelta?.(delta);
              }
            }
            return { text, model, usage };
          },
        },
        { capability: 'cloud.chat', ...options },
      );
      const promptTokens = value.usage?.prompt_tokens ?? 0;
      const completionTokens = value.usage?.completion_tokens ?? 0;
      return {
        text: value.text,
        model: value.model,
        promptTokens,
        completionTokens,
        cost: cost(promptTokens + completionTokens),
        attempts,
        latencyMs: clock.now() - started,
        firstTokenMs,
      };
    },
    async embed(input, options) {
      const { value } = await call(
        {
          what: 'embeddings',
          path: 'v1/embeddings',
          body: () => ({ kind: 'json', value: { model: endpoint.embeddingModel ?? endpoint.model, input } }),
          consume: async (r) =>
            (await r.json()) as { data: { embedding: number[] }[]; usage?: { total_tokens?: number } },
        },
        { capability: 'cloud.embeddings', ...options },
      );
      return { vectors: value.data.map((d) => d.embedding), cost: cost(value.usage?.total_tokens ?? 0) };
    },
    async transcribe(clip, options) {
      const started = clock.now();
      const { value, attempts } = await call(
        {
          what: 'audio.transcriptions',
          path: 'v1/audio/transcriptions',
          body: () => ({
            kind: 'audio',
            clip,
            filename: 'clip.wav',
            fields: {
              model: endpoint.transcriptionModel ?? 'whisper-1',
              response_format: 'json',
              ...(options.language ? { language: options.language } : {}),
            },
          }),
          consume: async (r) => (await r.json()) as { text: string },
        },
        { capability: 'cloud.audio', ...options },
      );
      return { text: value.text, latencyMs: clock.now() - started, attempts };
    },
    async postJson(path, body, options) {
      const { value } = await call(
        {
          what: options.what,
          path,
          body: () => ({ kind: 'json', value: body }),
          consume: async (r) => r.json() as Promise<unknown>,
        },
        options,
      );
      return value;
    },
  };
}
