// Saving for offline use on the first visit: every model and WASM runtime the build ships (listed by the build
// in offline-files.json) is fetched once through the service worker, whose cache-first routes store it in the
// same caches a normal load would (models in the model store's cache, runtimes in the runtime cache: each file
// stored once). Without this, a first visit that started the camera before the worker took control (or did
// not start it at all) left nothing for the camera, microphone and models offline.
export const OFFLINE_LIST = 'offline-files.json';

export interface OfflineFile {
  /** Relative to the app's base: `models/<model>/<file>` or `runtime/<file>`. */
  path: string;
  bytes: number;
}

export interface WarmupProgress {
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export class OfflineListError extends Error {
  override name = 'OfflineListError';
}

/** The build's list of model and runtime files; an error names what is wrong with it. */
export function parseOfflineList(raw: unknown): OfflineFile[] {
  const files = (raw as { files?: unknown })?.files;
  if (!Array.isArray(files)) throw new OfflineListError(`${OFFLINE_LIST}: "files" must be an array`);
  return files.map((f: Partial<OfflineFile>, i) => {
    const ok =
      typeof f?.path === 'string' &&
      /^(models|runtime)\/[^?#]+$/.test(f.path) &&
      !f.path.split('/').includes('..') &&
      typeof f.bytes === 'number' &&
      f.bytes >= 0;
    if (!ok)
      throw new OfflineListError(
        `${OFFLINE_LIST}: files[${i}] must be { path: "models/…" or "runtime/…", bytes ≥ 0 } (got ${JSON.stringify(f)})`,
      );
    return { path: f.path!, bytes: f.bytes! };
  });
}

export interface WarmupDeps {
  /** Whether the service worker's caches already hold this URL path. */
  has(path: string): Promise<boolean>;
  /** Fetches through the service worker and reads the whole body (the worker stores it as it streams). */
  fetchFile(path: string): Promise<void>;
  onProgress(p: WarmupProgress): void;
  /**
   * Asked before each file: may wait (while the live perception is loading its models, so saving never
   * slows the first face or transcript) and answers true to leave the file to whoever is loading it.
   */
  before?(path: string): Promise<boolean>;
}

/**
 * Fetches, one at a time, each listed file the caches do not hold yet. A file that fails is tried once and
 * named in `failed`, never retried in a loop (the readiness line then says which files are missing).
 */
export async function warmOfflineCaches(
  files: readonly OfflineFile[],
  deps: WarmupDeps,
  base = '/',
): Promise<{ fetched: number; failed: { path: string; reason: string }[] }> {
  const progress: WarmupProgress = {
    done: 0,
    total: files.length,
    bytesDone: 0,
    bytesTotal: files.reduce((a, f) => a + f.bytes, 0),
  };
  const failed: { path: string; reason: string }[] = [];
  let fetched = 0;
  deps.onProgress({ ...progress });
  for (const f of files) {
    const path = `${base}${f.path}`;
    try {
      if (!(await deps.before?.(path)) && !(await deps.has(path))) {
        await deps.fetchFile(path);
        fetched++;
        if (!(await deps.has(path))) failed.push({ path, reason: 'fetched, but not stored in the cache' });
      }
    } catch (err) {
      failed.push({ path, reason: (err as Error)?.message ?? String(err) });
    }
    progress.done++;
    progress.bytesDone += f.bytes;
    deps.onProgress({ ...progress });
  }
  return { fetched, failed };
}

const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;

export function describeWarmup(p: WarmupProgress): string {
  return `Saving the models for offline use: ${p.done} of ${p.total} files (${mb(p.bytesDone)} of ${mb(p.bytesTotal)})…`;
}
