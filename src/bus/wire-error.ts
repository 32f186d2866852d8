// Errors cross the hub's ports as ErrorData (platform/error-data.ts) and are rethrown as the same class on the
// other side (never as strings). These are the bus's classes and the fields each carries.
import { EventValidationError } from '../events/validate';
import { TopicError } from '../events/topic';
import { fromErrorData, toErrorData, type ErrorData, type ErrorReviver } from '../platform/error-data';
import { PolicyError } from './policy';
import { BusClosedError, RequestTimeoutError } from './types';

const FIELDS = ['field', 'reason', 'eventId', 'topic'] as const;

const REVIVERS: Record<string, ErrorReviver> = {
  EventValidationError: (f) =>
    new EventValidationError(String(f.field), String(f.reason), f.eventId as string | undefined),
  TopicError: (f) => new TopicError(String(f.topic), String(f.reason)),
  PolicyError: (_f, message) => new PolicyError(message),
  BusClosedError: () => new BusClosedError(),
  RequestTimeoutError: () => new RequestTimeoutError('?', 0),
};

export function toWireError(err: unknown): ErrorData {
  return toErrorData(err, FIELDS);
}

export function fromWireError(data: ErrorData): Error {
  return fromErrorData(data, REVIVERS);
}
