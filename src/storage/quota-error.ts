// One answer to "did the storage refuse this for lack of space?", for every writer: the agents' commits and
// inbox, the bus's event log, the model caches. Browsers raise a QuotaExceededError (a DOMException); Dexie
// wraps it (an AbortError whose `inner` is the cause, or a BulkError listing `failures`), and an aborted
// transaction or our own errors may carry it as their `cause`. Each writer decides what a full disk means
// for it (retry, compact, tell the person), so they must all recognise it the same way.

/** How deep a chain of wrappers is followed (a cycle must not loop). */
const MAX_DEPTH = 4;

export function isQuotaError(err: unknown): boolean {
  return quotaAt(err, 0);
}

function quotaAt(x: unknown, depth: number): boolean {
  if (!x || typeof x !== 'object' || depth >= MAX_DEPTH) return false;
  const e = x as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
  if (e.name === 'QuotaExceededError') return true;
  if (Array.isArray(e.failures) && e.failures.some((f) => quotaAt(f, depth + 1))) return true;
  return quotaAt(e.inner, depth + 1) || quotaAt(e.cause, depth + 1);
}
