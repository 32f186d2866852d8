// The plugin manifest: who the plugin is, what it runs, and every capability it asks for. The valibot schema
// is the definition; a bad manifest is refused with the dotted path of the first offending field.
import * as v from 'valibot';
import { assertPattern } from '../events/topic';
import { firstProblem } from '../platform/schema-issue';
import { ManifestError } from './errors';
import { isSemver } from './semver';

export const PLUGIN_KINDS = ['feature', 'model', 'tool', 'actuator'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** Host-side effects a plugin may ask for by name; the host owns the implementation (see actuators.ts). */
export const ACTUATORS = ['toast', 'speech'] as const;
export type ActuatorName = (typeof ACTUATORS)[number];

export const SIGNATURE_ALGORITHMS = ['Ed25519'] as const;

/** A plugin id becomes a topic token and the event source `plugin.<id>`, so it uses the token alphabet. */
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const pattern = (field: string) =>
  v.pipe(
    v.string(`${field} entries must be strings`),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      try {
        assertPattern(dataset.value);
      } catch (e) {
        addIssue({ message: (e as Error).message });
      }
    }),
  );

/** An origin exactly as a browser prints it: scheme://host[:port], no path, no trailing slash. */
function originProblem(s: string): string | null {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return `"${s}" is not a URL`;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol))
    return `"${s}" must use http, https, ws or wss`;
  const origin = `${url.protocol}//${url.host}`;
  if (origin !== s)
    return `"${s}" must be a bare origin such as "${origin}" (no path, query or trailing slash)`;
  return null;
}

const origin = v.pipe(
  v.string('network entries must be strings'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = originProblem(dataset.value);
    if (problem) addIssue({ message: problem });
  }),
);

/** strictObject reports both "not an object" and "unknown key" through one message function. */
function strictMessage(what: string, keyKind: string) {
  return (issue: v.BaseIssue<unknown>) =>
    issue.expected === 'never'
      ? `unknown ${keyKind} "${String(issue.path?.at(-1)?.key)}"`
      : `${what} must be an object`;
}

const list = <T extends v.GenericSchema>(item: T, field: string, max: number) =>
  v.pipe(
    v.array(item, `${field} must be an array`),
    v.maxLength(max, `${field} has more than ${max} entries`),
  );

export const CapabilitiesSchema = v.strictObject(
  {
    /** Topic patterns the plugin may subscribe to. */
    subscribe: list(pattern('subscribe'), 'subscribe', 32),
    /** Topic patterns the plugin may publish on. */
    publish: list(pattern('publish'), 'publish', 32),
    /** Needed to subscribe to camera-derived topics (see SENSITIVE_TOPICS in grants.ts). */
    camera: v.optional(v.boolean('camera must be true or false'), false),
    microphone: v.optional(v.boolean('microphone must be true or false'), false),
    /** Origins the sandbox may connect to (fetch, XHR, WebSocket, EventSource). Empty: no network. */
    network: v.optional(list(origin, 'network', 16), []),
    /** Bytes of host-kept key-value storage; 0 = none. The sandbox itself has no storage at all. */
    storageBytes: v.optional(
      v.pipe(
        v.number('storageBytes must be a number'),
        v.integer('storageBytes must be an integer'),
        v.minValue(0, 'storageBytes must be ≥ 0'),
        v.maxValue(64 * 1024 * 1024, 'storageBytes must be ≤ 64 MiB'),
      ),
      0,
    ),
    /** Host actuators the plugin may invoke. */
    actuators: v.optional(
      list(v.picklist(ACTUATORS, `actuators entries must be one of ${ACTUATORS.join(', ')}`), 'actuators', 8),
      [],
    ),
    /** Upper bound on messages per second the plugin sends; the host may grant less. */
    messagesPerSecond: v.optional(
      v.pipe(
        v.number('messagesPerSecond must be a number'),
        v.minValue(1, 'messagesPerSecond must be ≥ 1'),
        v.maxValue(100_000, 'messagesPerSecond must be ≤ 100000'),
      ),
      100,
    ),
  },
  strictMessage('capabilities', 'capability'),
);

export const SignatureSchema = v.strictObject(
  {
    keyId: v.pipe(
      v.string('signature.keyId must be a string'),
      v.minLength(1, 'signature.keyId must not be empty'),
    ),
    algorithm: v.picklist(
      SIGNATURE_ALGORITHMS,
      `signature.algorithm must be ${SIGNATURE_ALGORITHMS.join(' or ')}`,
    ),
    /** base64 of the raw signature. */
    value: v.pipe(
      v.string('signature.value must be a string'),
      v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'signature.value must be base64'),
    ),
  },
  strictMessage('signature', 'signature field'),
);

export const ManifestSchema = v.strictObject(
  {
    id: v.pipe(
      v.string('id must be a string'),
      v.regex(ID, 'id must be 1–63 of [a-z0-9-], starting with a letter or digit'),
    ),
    version: v.pipe(
      v.string('version must be a string'),
      v.check(isSemver, 'version must be a semantic version such as 1.2.3'),
    ),
    kind: v.picklist(PLUGIN_KINDS, `kind must be one of ${PLUGIN_KINDS.join(', ')}`),
    name: v.pipe(
      v.string('name must be a string'),
      v.minLength(1, 'name must not be empty'),
      v.maxLength(80, 'name is longer than 80 characters'),
    ),
    description: v.optional(
      v.pipe(
        v.string('description must be a string'),
        v.maxLength(500, 'description is longer than 500 characters'),
      ),
    ),
    /** File name of the entry script, relative to the manifest. */
    entry: v.pipe(
      v.string('entry must be a string'),
      v.regex(/^[A-Za-z0-9_.-]+\.js$/, 'entry must be a plain .js file name next to the manifest'),
    ),
    capabilities: CapabilitiesSchema,
    signature: v.optional(SignatureSchema),
  },
  strictMessage('a manifest', 'manifest field'),
);

export type PluginManifest = v.InferOutput<typeof ManifestSchema>;
export type ManifestInput = v.InferInput<typeof ManifestSchema>;
export type Capabilities = PluginManifest['capabilities'];
export type PluginSignature = v.InferOutput<typeof SignatureSchema>;

/** Validates an untrusted manifest (parsed JSON) and fills in defaults; throws ManifestError naming the field. */
export function parseManifest(x: unknown): PluginManifest {
  const r = v.safeParse(ManifestSchema, x, { abortEarly: true });
  if (r.success) return r.output;
  const { field, reason } = firstProblem(r.issues, '(manifest)');
  return fail(field, reason);
}

function fail(field: string, reason: string): never {
  throw new ManifestError(field, reason);
}

/** The plugin's events carry this source; anything else it sends is refused. */
export function pluginSource(id: string): string {
  return `plugin.${id}`;
}
