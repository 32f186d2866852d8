// Named errors of local text generation and of the models the user brings. They cross the worker boundary
// as ErrorData (src/platform/error-data.ts) and are rebuilt as the same class on the page.
import { fromErrorData, toErrorData, type ErrorData, type ErrorReviver } from '../../platform/error-data';

export class ModelChecksumError extends Error {
  override name = 'ModelChecksumError';
  constructor(
    readonly model: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`model "${model}": sha256 ${actual} does not match the expected ${expected}; nothing was stored`);
  }
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(`model "${model}" is not a usable GGUF file: ${reason}`);
  }
}

export class ModelStorageQuotaError extends Error {
  override name = 'ModelStorageQuotaError';
  constructor(
    readonly model: string,
    readonly bytes: number,
    readonly available: number | null,
  ) {
    super(
      `model "${model}" needs ${bytes} bytes but ${available === null ? 'the storage quota refused them' : `only ${available} bytes of storage quota are free`}; ` +
        "free space in this site's storage (or allow persistent storage) and add it again",
    );
  }
}

export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError';
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(`model "${model}" could not be downloaded: ${reason}`);
  }
}

export class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
  constructor(readonly model: string) {
    super(`no local model "${model}" is stored; add it by URL with its sha256, or from a file`);
  }
}

export class NoModelLoadedError extends Error {
  override name = 'NoModelLoadedError';
  constructor() {
    super('no text-generation model is loaded; load one the user added (see the local model library)');
  }
}

export class ContextOverflowError extends Error {
  override name = 'ContextOverflowError';
  constructor(
    readonly promptTokens: number,
    readonly maxTokens: number,
    readonly contextTokens: number,
  ) {
    super(
      `the prompt (${promptTokens} tokens) plus maxTokens (${maxTokens}) exceed the model's context of ${contextTokens} tokens; shorten the prompt or lower maxTokens`,
    );
  }
}

export class GenerationCancelledError extends Error {
  override name = 'GenerationCancelledError';
  constructor(readonly reason: 'cancelled' | 'unloaded') {
    super(
      reason === 'cancelled'
        ? 'text-generation request cancelled'
        : 'text-generation request dropped: the model was unloaded',
    );
  }
}

export class GenerationInputError extends Error {
  override name = 'GenerationInputError';
  constructor(readonly reason: string) {
    super(`bad input for "text-generation": ${reason}`);
  }
}

export class GenerationUnavailableError extends Error {
  override name = 'GenerationUnavailableError';
  constructor(readonly reason: string) {
    super(`local text generation cannot run here: ${reason}`);
  }
}

const FIELDS = [
  'model',
  'expected',
  'actual',
  'reason',
  'bytes',
  'available',
  'promptTokens',
  'maxTokens',
  'contextTokens',
] as const;

// Fields are whatever toGenerationErrorData copied from the same class on the other side.
const REVIVERS: Record<string, ErrorReviver> = {
  ModelChecksumError: (f) => new ModelChecksumError(String(f.model), String(f.expected), String(f.actual)),
  ModelFormatError: (f) => new ModelFormatError(String(f.model), String(f.reason)),
  ModelStorageQuotaError: (f) =>
    new ModelStorageQuotaError(
      String(f.model),
      Number(f.bytes),
      typeof f.available === 'number' ? f.available : null,
    ),
  ModelDownloadError: (f) => new ModelDownloadError(String(f.model), String(f.reason)),
  ModelNotFoundError: (f) => new ModelNotFoundError(String(f.model)),
  NoModelLoadedError: () => new NoModelLoadedError(),
  ContextOverflowError: (f) =>
    new ContextOverflowError(Number(f.promptTokens), Number(f.maxTokens), Number(f.contextTokens)),
  GenerationCancelledError: (f) =>
    new GenerationCancelledError(f.reason as GenerationCancelledError['reason']),
  GenerationInputError: (f) => new GenerationInputError(String(f.reason)),
  GenerationUnavailableError: (f) => new GenerationUnavailableError(String(f.reason)),
};

/** A generation error as data, to cross from the generation worker. */
export function toGenerationErrorData(err: unknown): ErrorData {
  return toErrorData(err, FIELDS);
}

/** Rebuilds our own classes (so `instanceof` works on the page); anything else keeps its name. */
export function fromGenerationErrorData(data: ErrorData): Error {
  return fromErrorData(data, REVIVERS);
}
