// The router's user settings: cloud endpoints, which one is in use, cost caps and privacy defaults. Validated
// with valibot (every error names its field), kept in the `settings` table, read back the same way.
import * as v from 'valibot';
import type { EndpointConfig } from '../router/endpoint';
import type { SentioDb } from '../storage/db';
import { DEFAULT_PRIVACY, PrivacyDefaultsSchema, type PrivacyDefaults } from '../privacy/defaults';

export { DEFAULT_PRIVACY, PrivacyDefaultsSchema, type PrivacyDefaults };

/**
 * The model id our development endpoint (scripts/dev-endpoint/server.mjs, DEV_MODEL_ID) answers chat under.
 * That server is a deterministic responder, not a model: an endpoint asking for this id is flagged
 * `development` so the UI says so. (A test checks this stays equal to the server's constant.)
 */
export const DEV_RESPONDER_ID = 'sentio-dev-echo';
/** The embedding model the development endpoint serves (real: Universal Sentence Encoder lite). */
export const DEV_EMBEDDING_MODEL = 'use-lite-en';
export const DEV_ENDPOINT_ID = 'development';

export const ENDPOINTS_KEY = 'router.endpoints';
export const ACTIVE_ENDPOINT_KEY = 'router.activeEndpoint';
export const BUDGET_KEY = 'router.budget';
export const PRIVACY_DEFAULTS_KEY = 'privacy.defaults';

const httpUrl = (field: string) =>
  v.pipe(
    v.string(`${field} must be text`),
    v.trim(),
    v.nonEmpty(`${field} is required`),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      let url: URL;
      try {
        url = new URL(dataset.value);
      } catch {
        addIssue({
          message: `${field}: "${dataset.value}" is not a URL (expected e.g. http://127.0.0.1:8790)`,
        });
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        addIssue({ message: `${field} must be http(s), not ${url.protocol}` });
    }),
  );

const optionalText = (field: string) =>
  v.optional(
    v.pipe(
      v.string(`${field} must be text`),
      v.trim(),
      v.transform((s) => (s === '' ? undefined : s)),
    ),
  );

/** One endpoint as the user configures it. */
export const EndpointSettingsSchema = v.pipe(
  v.strictObject(
    {
      id: v.pipe(
        v.string('name must be text'),
        v.trim(),
        v.nonEmpty('name is required'),
        v.regex(/^[A-Za-z0-9._-]{1,40}$/, 'name may use letters, digits, ".", "_" and "-" (at most 40)'),
      ),
      baseUrl: httpUrl('base URL'),
      model: v.pipe(v.string('model must be text'), v.trim(), v.nonEmpty('model is required')),
      transcriptionModel: optionalText('transcription model'),
      embeddingModel: optionalText('embedding model'),
      apiKey: optionalText('API key'),
      /** A proxy that adds the credentials itself: requests go there and no key is kept in the browser. */
      proxyUrl: v.optional(
        v.union([v.literal(''), httpUrl('proxy URL')], 'proxy URL must be an http(s) URL'),
      ),
      costPer1kTokens: v.pipe(
        v.number('cost per 1k tokens must be a number'),
        v.finite('cost per 1k tokens must be a finite number'),
        v.minValue(0, 'cost per 1k tokens must be ≥ 0'),
      ),
      clearance: v.picklist(
        ['private', 'public'],
        'privacy clearance must be "private" (trusted, self-hosted) or "public" (third-party)',
      ),
    },
    (issue) => `unknown endpoint field ${String(issue.received)}`,
  ),
  v.check(
    (e) => !(e.apiKey && e.proxyUrl),
    'API key and proxy URL: give one or the other (a proxy adds the credentials itself)',
  ),
);
export type EndpointSettings = v.InferOutput<typeof EndpointSettingsSchema>;

const cap = (field: string) =>
  v.nullable(
    v.pipe(
      v.number(`${field} must be a number`),
      v.finite(`${field} must be a finite number`),
      v.minValue(0, `${field} must be ≥ 0`),
    ),
  );
/** Global cost caps; null = no cap. */
export const BudgetSettingsSchema = v.strictObject({
  perDay: cap('daily cost cap'),
  perSession: cap('session cost cap'),
});
export type BudgetSettings = v.InferOutput<typeof BudgetSettingsSchema>;

export const DEFAULT_BUDGET: BudgetSettings = { perDay: null, perSession: null };

export interface FieldProblem {
  /** The field's key in the schema ("baseUrl"), or "" for a problem of the whole form. */
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  const r = v.safeParse(schema, input);
  if (r.success) return { ok: true, value: r.output };
  return {
    ok: false,
    problems: r.issues.map((i) => ({ field: v.getDotPath(i) ?? '', message: i.message })),
  };
}

export const parseEndpoint = (input: unknown) => parseWith(EndpointSettingsSchema, input);

/** The development endpoint `npm start` runs (its URL comes from the build: VITE_SENTIO_DEV_ENDPOINT). */
export function devEndpointSettings(baseUrl: string): EndpointSettings {
  return {
    id: DEV_ENDPOINT_ID,
    baseUrl,
    model: DEV_RESPONDER_ID,
    embeddingModel: DEV_EMBEDDING_MODEL,
    costPer1kTokens: 0,
    // Our own server on loopback: trusted to receive private data (never `local` data: the gate stops that).
    clearance: 'private',
  };
}

export function isDevelopment(e: Pick<EndpointSettings, 'model'>): boolean {
  return e.model === DEV_RESPONDER_ID;
}

/** What the router gets: the user's endpoint with the privacy defaults applied. */
export function toEndpointConfig(e: EndpointSettings, privacy: PrivacyDefaults): EndpointConfig {
  return {
    id: e.id,
    baseUrl: e.proxyUrl || e.baseUrl,
    model: e.model,
    ...(e.transcriptionModel ? { transcriptionModel: e.transcriptionModel } : {}),
    ...(e.embeddingModel ? { embeddingModel: e.embeddingModel } : {}),
    ...(e.apiKey ? { apiKey: e.apiKey } : {}),
    costPer1kTokens: e.costPer1kTokens,
    clearance: e.clearance,
    redactPii: privacy.redactPii,
    development: isDevelopment(e),
  };
}

export interface RouterSettings {
  endpoints: EndpointSettings[];
  /** The endpoint in use; null = none (local only). */
  active: string | null;
  budget: BudgetSettings;
  privacy: PrivacyDefaults;
}

/** A stored value that no longer parses is reported, not silently replaced. */
export class StoredSettingsError extends Error {
  override name = 'StoredSettingsError';
}

function stored<S extends v.GenericSchema>(key: string, schema: S, value: unknown): v.InferOutput<S> {
  const r = parseWith(schema, value);
  if (!r.ok)
    throw new StoredSettingsError(
      `stored setting "${key}" is invalid: ${r.problems.map((p) => p.message).join('; ')}`,
    );
  return r.value;
}

/**
 * Reads the router's settings. With nothing stored, the development endpoint (when the build names one) is
 * the one in use; a user who chose "none" keeps none.
 */
/** The stored settings; `privacyDefaults` (the runtime's, DEFAULT_PRIVACY by default) until the user saves their own. */
export async function loadRouterSettings(
  db: SentioDb,
  devUrl: string | undefined,
  privacyDefaults: PrivacyDefaults = DEFAULT_PRIVACY,
): Promise<RouterSettings> {
  const [endpoints, active, budget, privacy] = await db.settings.bulkGet([
    ENDPOINTS_KEY,
    ACTIVE_ENDPOINT_KEY,
    BUDGET_KEY,
    PRIVACY_DEFAULTS_KEY,
  ]);
  const list = endpoints
    ? stored(ENDPOINTS_KEY, v.array(EndpointSettingsSchema), endpoints.value)
    : devUrl
      ? [devEndpointSettings(devUrl)]
      : [];
  const activeId = active
    ? stored(ACTIVE_ENDPOINT_KEY, v.nullable(v.string()), active.value)
    : (list[0]?.id ?? null);
  return {
    endpoints: list,
    active: activeId !== null && list.some((e) => e.id === activeId) ? activeId : null,
    budget: budget ? stored(BUDGET_KEY, BudgetSettingsSchema, budget.value) : DEFAULT_BUDGET,
    privacy: privacy ? stored(PRIVACY_DEFAULTS_KEY, PrivacyDefaultsSchema, privacy.value) : privacyDefaults,
  };
}

export async function saveRouterSettings(db: SentioDb, s: RouterSettings): Promise<void> {
  await db.settings.bulkPut([
    { key: ENDPOINTS_KEY, value: s.endpoints },
    { key: ACTIVE_ENDPOINT_KEY, value: s.active },
    { key: BUDGET_KEY, value: s.budget },
    { key: PRIVACY_DEFAULTS_KEY, value: s.privacy },
  ]);
}

export function activeEndpoint(s: RouterSettings): EndpointSettings | null {
  return s.endpoints.find((e) => e.id === s.active) ?? null;
}
