// Named errors of local text generation and of the models the user brings. They cross the worker boundary
// as { name, message, fields } and are rebuilt as the same class on the page (see toData / fromData).

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

export interface GenerationErrorData {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function toData(err: unknown): GenerationErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (k !== 'name' && k !== 'message') fields[k] = v;
  return { name: err.name, message: err.message, fields };
}

/** Rebuilds our own classes (so `instanceof` works on the page); anything else keeps its name. */
export function fromData(data: GenerationErrorData): Error {
  // Fields are whatever toData copied from the same class on the other side.
  const f = data.fields as {
    model: string;
    reason: string & GenerationCancelledError['reason'];
    promptTokens: number;
    maxTokens: number;
    contextTokens: number;
  };
  let err: Error;
  switch (data.name) {
    case 'ModelFormatError':
      err = new ModelFormatError(f.model, f.reason);
      break;
    case 'NoModelLoadedError':
      err = new NoModelLoadedError();
      break;
    case 'ContextOverflowError':
      err = new ContextOverflowError(f.promptTokens, f.maxTokens, f.contextTokens);
      break;
    case 'GenerationCancelledError':
      err = new GenerationCancelledError(f.reason);
      break;
    case 'GenerationUnavailableError':
      err = new GenerationUnavailableError(f.reason);
      break;
    case 'GenerationInputError':
      err = new GenerationInputError(f.reason);
      break;
    default:
      err = new Error(data.message);
      err.name = data.name;
  }
  err.message = data.message;
  return err;
}
