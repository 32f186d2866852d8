// Named errors of the inference layer. They cross the worker boundary as data ({name, message, stack and
// their own fields}) and are rebuilt as the same class on the other side (toInferenceErrorData / fromInferenceErrorData).
import { fromErrorData, toErrorData, type ErrorData, type ErrorReviver } from '../platform/error-data';

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

const FIELDS = ['model', 'file', 'reason', 'bytes', 'task', 'attempts'] as const;

// Fields are whatever toInferenceErrorData copied from the same class on the other side.
const REVIVERS: Record<string, ErrorReviver> = {
  ModelLoadError: (f) => new ModelLoadError(String(f.model), String(f.file), String(f.reason)),
  ModelQuotaError: (f) => new ModelQuotaError(String(f.model), String(f.file), Number(f.bytes)),
  BackendUnavailableError: (f) =>
    new BackendUnavailableError(String(f.task), f.attempts as { backend: string; reason: string }[]),
  InferenceCancelledError: (f) =>
    new InferenceCancelledError(String(f.task), f.reason as InferenceCancelledError['reason']),
  InferenceWorkerError: (f) => new InferenceWorkerError(String(f.reason)),
  InferenceInputError: (f) => new InferenceInputError(String(f.task), String(f.reason)),
};

/** An inference error as data, to cross from the inference worker. */
export function toInferenceErrorData(err: unknown): ErrorData {
  return toErrorData(err, FIELDS);
}

/** Rebuilds the named class when it is one of ours; anything else comes back as an Error with the same name. */
export function fromInferenceErrorData(data: ErrorData): Error {
  return fromErrorData(data, REVIVERS);
}
