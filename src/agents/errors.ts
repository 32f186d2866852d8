// Named errors of the agent runtime. They cross threads as data ({name, message, stack}) and are rebuilt
// as the same class on the other side, so `instanceof` keeps working for callers.
import type { SerializedError } from './types';

export class AgentDefinitionError extends Error {
  override name = 'AgentDefinitionError';
}

export class HandlerTimeoutError extends Error {
  override name = 'HandlerTimeoutError';
  constructor(
    readonly agentId: string,
    readonly eventId: string,
    readonly timeoutMs: number,
  ) {
    super(`agent "${agentId}" did not handle event ${eventId} within ${timeoutMs} ms`);
  }
}

export class UnknownAgentError extends Error {
  override name = 'UnknownAgentError';
  constructor(readonly agentId: string) {
    super(`no agent "${agentId}" in this worker`);
  }
}

export class StateMigrationError extends Error {
  override name = 'StateMigrationError';
}

export class WorkerCrashedError extends Error {
  override name = 'WorkerCrashedError';
}

const CLASSES: Record<string, new (message: string) => Error> = {
  AgentDefinitionError,
  StateMigrationError,
  WorkerCrashedError,
  Error,
  TypeError,
  RangeError,
};

/**
 * The storage refused a write for lack of space. IndexedDB raises QuotaExceededError; Dexie may wrap it
 * (its `inner`), and an aborted transaction may carry it as its cause.
 */
export function isQuotaError(e: unknown): boolean {
  for (let x = e, depth = 0; x && depth < 4; depth++) {
    if ((x as { name?: unknown }).name === 'QuotaExceededError') return true;
    const o = x as { inner?: unknown; cause?: unknown };
    x = o.inner ?? o.cause;
  }
  return false;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    return err.stack === undefined
      ? { name: err.name, message: err.message }
      : { name: err.name, message: err.message, stack: err.stack };
  }
  return { name: 'Error', message: String(err) };
}

/** Rebuilds an error from data; classes with extra constructor fields come back as their name on an Error. */
export function deserializeError(data: SerializedError): Error {
  const Cls = CLASSES[data.name];
  const err = Cls ? new Cls(data.message) : new Error(data.message);
  if (!Cls) err.name = data.name;
  if (data.stack !== undefined) err.stack = data.stack;
  return err;
}
