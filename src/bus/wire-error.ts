// Errors cross threads as data and are rethrown as the same class on the other side (never as strings).
import { EventValidationError } from '../events/validate';
import { TopicError } from '../events/topic';
import { PolicyError } from './policy';
import { BusClosedError, RequestTimeoutError } from './types';

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** Class-specific fields (e.g. field/reason of an EventValidationError). */
  data?: Record<string, string | number | undefined>;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof EventValidationError) {
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      data: { field: err.field, reason: err.reason, eventId: err.eventId },
    };
  }
  if (err instanceof TopicError) {
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      data: { topic: err.topic, reason: err.reason },
    };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

export function fromWireError(w: WireError): Error {
  let err: Error;
  const d = w.data ?? {};
  switch (w.name) {
    case 'EventValidationError':
      err = new EventValidationError(String(d.field), String(d.reason), d.eventId as string | undefined);
      break;
    case 'TopicError':
      err = new TopicError(String(d.topic), String(d.reason));
      break;
    case 'PolicyError':
      err = new PolicyError(w.message);
      break;
    case 'BusClosedError':
      err = new BusClosedError();
      break;
    case 'RequestTimeoutError':
      err = new RequestTimeoutError('?', 0);
      err.message = w.message;
      break;
    default:
      err = new Error(w.message);
      err.name = w.name;
  }
  if (w.stack) err.stack = w.stack;
  return err;
}
