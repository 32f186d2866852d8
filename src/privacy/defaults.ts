// The privacy defaults a runtime starts with and a user may change in Settings: what an inference request
// without a label is treated as, and whether PII is masked in everything sent to an endpoint. Kept here, not
// with the settings form, because the router decides by them.
import * as v from 'valibot';
import type { Privacy } from '../events/event';

export const PrivacyDefaultsSchema = v.strictObject({
  /** Mask e-mails, phone and card numbers in everything sent to any endpoint. */
  redactPii: v.boolean('redact PII must be true or false'),
  /** The label of an inference request that does not carry one. */
  defaultLabel: v.picklist(['private', 'public'], 'default label must be "private" or "public"'),
});

/** Privacy defaults of a runtime (see {@link DEFAULT_PRIVACY}). */
export type PrivacyDefaults = v.InferOutput<typeof PrivacyDefaultsSchema> & { defaultLabel: Privacy };

/** Unlabelled requests are private (never sent without consent) and PII is masked. */
export const DEFAULT_PRIVACY: PrivacyDefaults = { redactPii: true, defaultLabel: 'private' };
