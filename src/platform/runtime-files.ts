// Where Sentio's runtime files are and how a worker is started from them: the one place that maps a runtime
// file to its URL, used by every site that starts a worker (bus hub, inference, agents).
//
// Layout under `base` (what `sentio assets` writes, and what the embed build serves):
//   assets/<worker>.js   the worker scripts      runtime/   the WASM runtimes      models/   the models
// A worker script finds the rest from its own URL (`baseOfWorkerScript`), so nothing else must be told.

/**
 * A URL the page may start a module worker from: the script itself when same-origin, else a Blob bootstrap.
 * Browsers start a worker only from a script of the page's own origin; a tiny module made on the page's
 * origin that `import`s ours is an ordinary cross-origin module fetch (it needs CORS from the asset host),
 * and the worker runs in the page's origin (its storage, BroadcastChannel, locks).
 */
export function moduleWorkerUrl(script: URL, pageOrigin: string): { url: string; bootstrapped: boolean } {
  if (script.origin === pageOrigin) return { url: script.href, bootstrapped: false };
  const source = `import ${JSON.stringify(script.href)};\n`;
  return { url: URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), bootstrapped: true };
}

export interface RuntimeFiles {
  /** The folder the runtime files are served from, ending in `/`. */
  readonly base: URL;
  /**
   * The URL of a built worker script (a `?worker&url` import): as the build named it when no base was
   * given, else the same file name under `<base>assets/` (a consumer's bundler moves the library's code,
   * so the URL the build wrote, relative to that code, no longer points at the file).
   */
  script(built: string): URL;
  /** `<base><path>`, for files that are not scripts: `models/…`, `runtime/…`. */
  file(path: string): URL;
  /** Starts a module worker from `script` (an absolute URL), through a Blob bootstrap when cross-origin. */
  worker(script: URL, name: string): { worker: Worker; bootstrapped: boolean };
  /** True when the scripts are on the page's own origin (a SharedWorker can be started from them). */
  sameOrigin(script: URL): boolean;
}

function folder(u: URL): URL {
  const out = new URL(u.href);
  if (!out.pathname.endsWith('/')) out.pathname += '/';
  out.search = '';
  out.hash = '';
  return out;
}

/**
 * The runtime files at `base`, or, without one, where the build put them (`defaultBase` is then only what
 * `file()` resolves against: the page's Vite base, or the library's folder).
 */
export function runtimeFiles(base: URL | undefined, defaultBase: URL): RuntimeFiles {
  const root = folder(base ?? defaultBase);
  const page = globalThis.location;
  return {
    base: root,
    script(built) {
      const url = new URL(built, page?.href);
      if (!base) return url;
      return new URL(`assets/${url.pathname.slice(url.pathname.lastIndexOf('/') + 1)}`, root);
    },
    file: (path) => new URL(path.replace(/^\/+/, ''), root),
    worker(script, name) {
      const { url, bootstrapped } = moduleWorkerUrl(script, page.origin);
      return { worker: new Worker(url, { type: 'module', name }), bootstrapped };
    },
    sameOrigin: (script) => script.origin === page?.origin,
  };
}

/**
 * In a worker started from `<base>assets/<file>.js`: `<base>`. The dev server serves workers from
 * `/workers/…`, one level down too, so the same rule gives the app's base there.
 */
export function baseOfWorkerScript(scriptUrl: string): URL {
  return new URL('../', scriptUrl);
}

/** The runtime files where the build put them (for pages that take no base). */
export function builtRuntimeFiles(): RuntimeFiles {
  return runtimeFiles(undefined, new URL('./', globalThis.location.href));
}
