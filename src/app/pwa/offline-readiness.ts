// Whether the app really works offline on this device, read from the caches rather than assumed: the app
// shell precached, and every model file and WASM runtime that the live perception loaded here stored where
// the service worker answers from. "Ready to work offline" is said only when all of that is found.
import type { PerceptionState } from '../../index';

/** The runtime files a backend imports and instantiates (under /runtime/). GPU-only variants load on use. */
const RUNTIME_FILES: readonly [prefix: string, files: readonly string[]][] = [
  // onnxruntime-web 1.30's WebGPU build is the asyncify one (its JSEP build is not shipped).
  [
    'onnxruntime-webgpu',
    ['ort/ort-wasm-simd-threaded.asyncify.mjs', 'ort/ort-wasm-simd-threaded.asyncify.wasm'],
  ],
  ['onnxruntime-wasm', ['ort/ort-wasm-simd-threaded.mjs', 'ort/ort-wasm-simd-threaded.wasm']],
  [
    'transformers-',
    [
      'transformers-ort/ort-wasm-simd-threaded.asyncify.mjs',
      'transformers-ort/ort-wasm-simd-threaded.asyncify.wasm',
    ],
  ],
  ['mediapipe-', ['mediapipe/vision_wasm_internal.js', 'mediapipe/vision_wasm_internal.wasm']],
];

export interface OfflineNeeds {
  /** Runtime paths relative to /runtime/. */
  runtime: string[];
  /** Model file paths relative to /models/ (`<model>/<file>`). */
  models: string[];
}

/** What the perception that ran here needs offline: the runtimes of the backends its tasks run on, and
 *  every model file it loaded. */
export function offlineNeeds(state: Pick<PerceptionState, 'tasks' | 'models'>): OfflineNeeds {
  const runtime = new Set<string>();
  for (const task of Object.values(state.tasks)) {
    if (task?.status !== 'ready') continue;
    const files = RUNTIME_FILES.find(([prefix]) => task.backend.startsWith(prefix))?.[1] ?? [];
    for (const f of files) runtime.add(f);
  }
  const models = Object.entries(state.models).flatMap(([model, load]) =>
    Object.entries(load.files)
      .filter(([, f]) => f.done)
      .map(([file]) => `${model}/${file}`),
  );
  return { runtime: [...runtime].sort(), models: models.sort() };
}

export type OfflineReadiness =
  | { ready: true; files: number }
  | { ready: false; reason: 'nothing-loaded' }
  | { ready: false; reason: 'missing'; missing: string[]; files: number };

/** Looks each needed file up with `has` (a URL path such as "/runtime/ort/…"). */
export async function checkOfflineReadiness(
  needs: OfflineNeeds,
  has: (path: string) => Promise<boolean>,
  base = '/',
  /** Files saved for offline use on the first visit (offline-warmup.ts), as URL paths: needed too. */
  saved: readonly string[] = [],
): Promise<OfflineReadiness> {
  const paths = [
    ...new Set([
      ...needs.runtime.map((p) => `${base}runtime/${p}`),
      ...needs.models.map((p) => `${base}models/${p}`),
      ...saved,
    ]),
  ];
  if (needs.models.length === 0 && saved.length === 0) return { ready: false, reason: 'nothing-loaded' };
  const found = await Promise.all(paths.map(has));
  const missing = paths.filter((_, i) => !found[i]);
  return missing.length === 0
    ? { ready: true, files: paths.length }
    : { ready: false, reason: 'missing', missing, files: paths.length };
}

/** The offline line in words. */
export function describeOfflineReadiness(r: OfflineReadiness): { text: string; ok: boolean } {
  if (r.ready) return { text: 'Ready to work offline.', ok: true };
  if (r.reason === 'nothing-loaded')
    return {
      text: 'Opens offline. Start the camera and microphone once while online, and their models work offline too.',
      ok: false,
    };
  const shown = r.missing.slice(0, 3).join(', ');
  const more = r.missing.length > 3 ? ` and ${r.missing.length - 3} more` : '';
  return {
    text: `Not ready to work offline yet: ${r.missing.length} of ${r.files} files are not cached (${shown}${more}).`,
    ok: false,
  };
}

/**
 * Keeps `show` in step with the caches: checked at once and every few seconds (models keep loading after the
 * camera starts: Whisper only at the first speech). Cache lookups are cheap; returns the stop function.
 */
export function watchOfflineReadiness(
  state: () => Pick<PerceptionState, 'tasks' | 'models'> | undefined,
  has: (path: string) => Promise<boolean>,
  show: (line: { text: string; ok: boolean }) => void,
  base = '/',
  everyMs = 3000,
  saved: () => readonly string[] = () => [],
): () => void {
  let last = '';
  const check = async () => {
    const s = state() ?? { tasks: {}, models: {} };
    const line = describeOfflineReadiness(await checkOfflineReadiness(offlineNeeds(s), has, base, saved()));
    if (line.text !== last) show(line);
    last = line.text;
  };
  void check();
  const timer = setInterval(() => void check(), everyMs);
  return () => clearInterval(timer);
}
