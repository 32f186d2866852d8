// Named errors of the inference layer. They cross the worker boundary as data ({name, message, stack and
// their own fields}) and are rebuilt as the same class on the other side (see toErrorData / fromErrorData).

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    readonly model: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`model "${model}", file "${file}": ${reason}`);
  }
}

export class ModelQuotaError extends Error {
  override name = 'ModelQuotaError';
  constructor(
    readonly model: string,
    readonly file: string,
    readonly bytes: number,
  ) {
    super(
      `model "${model}", file "${file}": not enough storage to cache ${bytes} bytes for offline use; ` +
        "free space in this site's storage (or allow persistent storage) and load it again",
    );
  }
}

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
  constructor(
    readonly task: string,
    /** Every backend tried, in order, with why it could not start. */
    readonly attempts: readonly { backend: string; reason: string }[],
  ) {
    super(`no backend could run "${task}": ` + attempts.map((a) => `${a.backend}: ${a.reason}`).join('; '));
  }
}

export class InferenceCancelledError extends Error {
  override name = 'InferenceCancelledError';
  constructor(
    readonly task: string,
    readonly reason: 'superseded' | 'cancelled',
  ) {
    super(
      reason === 'superseded'
        ? `"${task}" request dropped: a newer realtime input replaced it before it ran`
        : `"${task}" request cancelled`,
    );
  }
}

export class InferenceInputError extends Error {
  override name = 'InferenceInputError';
  constructor(
    readonly task: string,
    readonly reason: string,
  ) {
    super(`bad input for "${task}": ${reason}`);
  }
}

export class InferenceWorkerError extends Error {
  override name = 'InferenceWorkerError';
  constructor(readonly reason: string) {
    super(`the inference worker failed: ${reason}; requests in flight were rejected, start a new client`);
  }
}

export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  fields?: Record<string, unknown>;
}

const OWN_FIELDS = ['model', 'file', 'reason', 'bytes', 'task', 'attempts'] as const;

export function toErrorData(err: unknown): ErrorData {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const fields: Record<string, unknown> = {};
  for (const k of OWN_FIELDS) if (k in err) fields[k] = (err as unknown as Record<string, unknown>)[k];
  return { name: err.name, message: err.message, stack: err.stack, fields };
}

/** Rebuilds the named class when it is one of ours; anything else comes back as an Error with the same name. */
export function fromErrorData(data: ErrorData): Error {
  // Fields are whatever toErrorData copied from the same class on the other side.
  const f = (data.fields ?? {}) as {
    model: string;
    file: string;
    reason: string & 'superseded' & 'cancelled';
    bytes: number;
    task: string;
    attempts: { backend: string; reason: string }[];
  };
  let err: Error;
  switch (data.name) {
    case 'ModelLoadError':
      err = new ModelLoadError(f.model, f.file, f.reason);
      break;
    case 'ModelQuotaError':
      err = new ModelQuotaError(f.model, f.file, f.bytes);
      break;
    case 'BackendUnavailableError':
      err = new BackendUnavailableError(f.task, f.attempts);
      break;
    case 'InferenceCancelledError':
      err = new InferenceCancelledError(f.task, f.reason);
      break;
    case 'InferenceWorkerError':
      err = new InferenceWorkerError(f.reason);
      break;
    case 'InferenceInputError':
      err = new InferenceInputError(f.task, f.reason);
      break;
    default:
      err = new Error(data.message);
      err.name = data.name;
  }
  err.message = data.message;
  if (data.stack) err.stack = data.stack;
  return err;
}
