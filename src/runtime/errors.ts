// Errors of the front door (createSentio): each names what is wrong.

/** An option given to `createSentio` is not what it must be; `option` names it. */
export class SentioOptionsError extends TypeError {
  override name = 'SentioOptionsError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`createSentio: options.${option} ${message}`);
  }
}

/** A task name `infer` does not know (neither a Sentio task nor a Hugging Face alias of one). */
export class UnknownTaskError extends TypeError {
  override name = 'UnknownTaskError';
}

/** The Sentio object was used after `close()`. */
export class SentioClosedError extends Error {
  override name = 'SentioClosedError';
}
