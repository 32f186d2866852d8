// The one way errors cross a thread: as data ({ name, message, stack, fields }), rebuilt on the other side
// as the same class when the receiver knows it (so `instanceof` and a class's own fields keep working), and
// as an Error carrying the sender's name otherwise — never as a bare string. Each folder names its classes'
// fields and revivers; the shape and the rules are here.

export interface ErrorData {
  name: string;
  message: string;
  stack?: string;
  /** Class-specific fields: a validation error's field and reason, a model error's model and file, … */
  fields?: Record<string, unknown>;
}

/** Rebuilds one class from its fields (and the sender's message, for classes built from a message). */
export type ErrorReviver = (fields: Record<string, unknown>, message: string) => Error;

/**
 * `err` as data. `fieldNames` are the own properties worth carrying (structured-cloneable ones). Error-like
 * objects that are not `instanceof Error` here (a DOMException from another realm, say) count as errors.
 */
export function toErrorData(err: unknown, fieldNames: readonly string[] = []): ErrorData {
  if (!isErrorLike(err)) return { name: 'Error', message: String(err) };
  const data: ErrorData = { name: String(err.name), message: String(err.message) };
  if (typeof err.stack === 'string') data.stack = err.stack;
  const source = err as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const k of fieldNames) if (source[k] !== undefined) fields[k] = source[k];
  if (Object.keys(fields).length > 0) data.fields = fields;
  return data;
}

/**
 * The error `data` describes: `revivers[data.name]` when there is one, else an Error with the sender's name.
 * The message is always the sender's: it is what the person saw there.
 */
export function fromErrorData(data: ErrorData, revivers: Readonly<Record<string, ErrorReviver>> = {}): Error {
  const revive = Object.hasOwn(revivers, data.name) ? revivers[data.name] : undefined;
  let err: Error;
  if (revive) {
    err = revive(data.fields ?? {}, data.message);
  } else {
    err = new Error(data.message);
    err.name = data.name;
  }
  err.message = data.message;
  if (data.stack !== undefined) err.stack = data.stack;
  return err;
}

/** Limits for error data from a sender that is not trusted (a plugin's sandbox). */
export interface ErrorDataLimits {
  name: number;
  message: number;
  stack: number;
}

/** Turns any value into ErrorData without trusting its shape: strings only, each cut to its limit. */
export function coerceErrorData(
  x: unknown,
  limits: ErrorDataLimits = { name: 100, message: 2000, stack: 8000 },
): ErrorData {
  if (typeof x !== 'object' || x === null)
    return { name: 'Error', message: String(x).slice(0, limits.message) };
  const o = x as Record<string, unknown>;
  const data: ErrorData = {
    name: (typeof o.name === 'string' ? o.name : 'Error').slice(0, limits.name),
    message: (typeof o.message === 'string' ? o.message : String(o.message)).slice(0, limits.message),
  };
  if (typeof o.stack === 'string') data.stack = o.stack.slice(0, limits.stack);
  return data;
}

function isErrorLike(e: unknown): e is { name: unknown; message: unknown; stack?: unknown } {
  return e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e && 'message' in e);
}
