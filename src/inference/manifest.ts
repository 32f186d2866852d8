// The model manifest (models/manifest.json) as a type, and its runtime check: the browser reads the same
// file, and a model added by hand or supplied by a user must be refused with the field that is wrong.
import * as v from 'valibot';
import { firstProblem } from '../platform/schema-issue';

export const TASKS = [
  'face-detection',
  'facial-expression',
  'voice-activity',
  'speech-recognition',
  'pose',
] as const;
/** Tasks the inference engine runs. */
export type Task = (typeof TASKS)[number];

/** Tasks a manifest entry may declare: the engine's, and models other parts of Sentio load themselves. */
export const MODEL_TASKS = [...TASKS, 'text-embedding'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const MODEL_FORMATS = ['onnx', 'tfjs-graph', 'transformers.js', 'mediapipe-task'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const BACKEND_IDS = [
  'onnxruntime-webgpu',
  'onnxruntime-wasm',
  'onnxruntime-wasm-single',
  'tfjs-cpu',
  'transformers-webgpu',
  'transformers-wasm',
  'mediapipe-cpu',
] as const;
export type BackendId = (typeof BACKEND_IDS)[number];

const SHA256 = /^[0-9a-f]{64}$/;
const SAFE_PATH = /^(?!\/)(?!.*\.\.)[\w./-]+$/;

const FileSchema = v.object({
  path: v.pipe(v.string(), v.regex(SAFE_PATH, 'path must be relative, without ".."')),
  from: v.optional(v.string()),
  /** Absolute or page-relative URL: only for user-supplied models. */
  url: v.optional(v.string()),
  size: v.pipe(v.number(), v.integer(), v.minValue(1, 'size must be at least 1 byte')),
  sha256: v.pipe(v.string(), v.regex(SHA256, 'sha256 must be 64 lowercase hex digits')),
});

export const ModelEntrySchema = v.object({
  id: v.pipe(
    v.string(),
    v.regex(/^[a-z0-9][a-z0-9.-]*$/, 'id must be lowercase letters, digits, "." or "-"'),
  ),
  task: v.picklist(MODEL_TASKS, `task must be one of ${MODEL_TASKS.join(', ')}`),
  version: v.pipe(v.string(), v.minLength(1)),
  description: v.optional(v.string()),
  source: v.object({
    npm: v.optional(v.string()),
    integrity: v.optional(v.string()),
    url: v.optional(v.string()),
  }),
  format: v.picklist(MODEL_FORMATS, `format must be one of ${MODEL_FORMATS.join(', ')}`),
  licence: v.pipe(v.string(), v.minLength(1, 'licence is required')),
  backends: v.pipe(
    v.array(v.picklist(BACKEND_IDS, `backends must be among ${BACKEND_IDS.join(', ')}`)),
    v.minLength(1, 'backends must name at least one backend'),
  ),
  files: v.pipe(v.array(FileSchema), v.minLength(1, 'files must list at least one file')),
});

export const ManifestSchema = v.object({
  $comment: v.optional(v.string()),
  models: v.array(ModelEntrySchema),
});

export type ModelFile = v.InferOutput<typeof FileSchema>;
export type ModelEntry = v.InferOutput<typeof ModelEntrySchema>;
export type Manifest = v.InferOutput<typeof ManifestSchema>;

export class ManifestError extends Error {
  override name = 'ManifestError';
  constructor(
    /** Dotted path of the offending field, e.g. "models.2.files.0.sha256". */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`invalid model manifest: ${field}: ${reason}`);
  }
}

function firstIssue(issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): ManifestError {
  const { field, reason } = firstProblem(issues, '(root)');
  return new ManifestError(field, reason);
}

export function parseModelEntry(input: unknown): ModelEntry {
  const r = v.safeParse(ModelEntrySchema, input);
  if (!r.success) throw firstIssue(r.issues);
  return r.output;
}

/** Checks the shape and that ids are unique. */
export function parseManifest(input: unknown): Manifest {
  const r = v.safeParse(ManifestSchema, input);
  if (!r.success) throw firstIssue(r.issues);
  const seen = new Set<string>();
  r.output.models.forEach((m, i) => {
    if (seen.has(m.id)) throw new ManifestError(`models.${i}.id`, `duplicate model id "${m.id}"`);
    seen.add(m.id);
  });
  return r.output;
}

export function modelForTask(manifest: Manifest, task: Task): ModelEntry {
  const m = manifest.models.find((e) => e.task === task);
  if (!m) throw new ManifestError('models', `no model for task "${task}"`);
  return m;
}
