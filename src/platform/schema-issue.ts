// Every untrusted input (events from other threads, model and plugin manifests, a perception run's init, the
// runtime's options) is checked with valibot and refused with one named field and one reason. This is the one
// place that turns valibot's first issue into that pair, so every refusal reads the same way.
import * as v from 'valibot';

export interface SchemaProblem {
  /** Dotted path of the offending field ("trace.spanId", "models.0.sha256"), or `whole` for the input itself. */
  field: string;
  reason: string;
}

/**
 * The first of valibot's issues as a field and a reason. `whole` names the input when the problem is the input
 * itself (not an object, say).
 */
export function firstProblem(
  issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]],
  whole: string,
): SchemaProblem {
  const issue = issues[0];
  const field = v.getDotPath(issue) || whole;
  // valibot reports a missing key with the message of the key's schema ("x must be a string"), which reads as
  // if a wrong value had been sent; say plainly that it is missing.
  const missing = issue.path !== undefined && issue.input === undefined && issue.received === 'undefined';
  return { field, reason: missing ? `${field} is required` : issue.message };
}
