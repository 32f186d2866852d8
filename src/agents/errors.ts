// Named errors of the agent runtime. They cross threads as ErrorData and are rebuilt
// as the same class on the other side, so `instanceof` keeps working for callers.
import { fromErrorData, toErrorData, type ErrorData, type ErrorReviver } from '../platform/error-data';

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

const FIELDS = ['agentId', 'eventId', 'timeoutMs'] as const;

const REVIVERS: Record<string, ErrorReviver> = {
  AgentDefinitionError: (_f, m) => new AgentDefinitionError(m),
  StateMigrationError: (_f, m) => new StateMigrationError(m),
  WorkerCrashedError: (_f, m) => new WorkerCrashedError(m),
  HandlerTimeoutError: (f) =>
    new HandlerTimeoutError(String(f.agentId), String(f.eventId), Number(f.timeoutMs)),
  UnknownAgentError: (f) => new UnknownAgentError(String(f.agentId)),
  Error: (_f, m) => new Error(m),
  TypeError: (_f, m) => new TypeError(m),
  RangeError: (_f, m) => new RangeError(m),
};

/** An agent runtime error as data, to cross to the page (or from the agent worker). */
export function toAgentErrorData(err: unknown): ErrorData {
  return toErrorData(err, FIELDS);
}

/** Rebuilds an agent runtime error as its class; others come back as an Error with their name. */
export function fromAgentErrorData(data: ErrorData): Error {
  return fromErrorData(data, REVIVERS);
}
