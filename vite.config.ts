import { defaultClientConditions, defineConfig, type PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';

// COOP/COEP make the page and its dedicated workers cross-origin isolated: SharedArrayBuffer,
// multi-threaded WASM and 5 µs timers. Everything we serve is same-origin, so require-corp costs nothing.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const root = import.meta.dirname;

/** Pages under `folder` as build inputs named `folder/<page>`. */
function pagesIn(folder: string): Record<string, string> {
  const dir = resolve(root, folder);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => [`${folder}/${f.replace(/\.html$/, '')}`, resolve(dir, f)]),
  );
}

const app = { index: resolve(root, 'index.html') };

/** Benchmark pages (`--mode bench`) and test pages (`--mode e2e`) never ship in the app's own build. */
function inputs(mode: string): Record<string, string> {
  if (mode === 'bench') return { ...app, ...pagesIn('bench') }; // the app itself: app-main-thread
  if (mode === 'e2e') return { ...app, ...pagesIn('e2e/pages') };
  return app;
}

/**
 * Rolldown's build-time timing notes ("[PLUGIN_TIMINGS] … vite:worker-import-meta-url …") are about the
 * bundler's own speed, not about the app: `npm start` builds the app and must print nothing to act on.
 */
const QUIET_CHECKS = { bundlerTimings: false } as const;

const outDirs: Record<string, string> = { bench: 'dist-bench', e2e: 'dist-e2e', embed: 'dist-embed' };

/** The PWA: manifest, icons and the Workbox service worker (workers/sw.ts) that precaches the app shell. */
function pwa(): PluginOption {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'workers',
    filename: 'sw.ts',
    injectRegister: false, // src/app/pwa/register.ts registers it, with the "new version" prompt
    manifest: {
      name: 'Sentio',
      short_name: 'Sentio',
      description: 'Sense → reason → act, on this device.',
      theme_color: '#14213d',
      background_color: '#14213d',
      display: 'standalone',
      start_url: '.',
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    // Models and WASM runtimes are cached at run time (src/app/pwa/service-worker.ts; the first visit saves
    // them all, see offlineFileList), never precached: they are large, and would sit in a second cache. (runtime/ holds MediaPipe's loader .js: precached, it would sit under a
    // revisioned key beside its .wasm in the runtime cache.)
    injectManifest: {
      globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      globIgnores: ['models/**', 'runtime/**'],
    },
  });
}

/**
 * offline-files.json: every model and WASM runtime the build ships (public/models, public/runtime, put there
 * by scripts/prepare-models.mjs), with its size. The first visit saves them all through the service worker
 * (src/app/pwa/offline-warmup.ts), so the camera, microphone and models work offline after one visit.
 */
function offlineFileList(): PluginOption {
  const publicDir = resolve(root, 'public');
  const filesUnder = (folder: string) => {
    const dir = resolve(publicDir, folder);
    let names: string[];
    try {
      names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    } catch {
      return []; // models not prepared: nothing to save
    }
    return names
      .map((n) => resolve(dir, n))
      .filter((f) => statSync(f).isFile())
      .map((f) => ({ path: relative(publicDir, f).split('\\').join('/'), bytes: statSync(f).size }))
      .sort((a, b) => a.path.localeCompare(b.path));
  };
  return {
    name: 'sentio:offline-file-list',
    apply: 'build',
    generateBundle() {
      const files = [...filesUnder('runtime'), ...filesUnder('models')];
      this.emitFile({ type: 'asset', fileName: 'offline-files.json', source: JSON.stringify({ files }) });
    },
  };
}

/** `--mode embed`: one script for third-party pages, as an ES module and a classic script (dist-embed/), with
 *  its workers in assets/. The npm package ships this build (dist-lib/runtime/, see scripts/build-lib.mjs):
 *  `import … from 'sentio'` is its ES module, and `sentio assets` copies the folder for `base`. */
/**
 * The embed's own files are named by `new URL("assets/…", import.meta.url)`. A consumer that bundles
 * sentio.mjs (import … from 'sentio') must leave those alone: its bundler would copy and rename them, and
 * `base` (where `sentio assets` put the originals) could no longer find them by name. `@vite-ignore` says so.
 */
function keepOwnAssetUrls(): PluginOption {
  return {
    name: 'sentio:keep-own-asset-urls',
    renderChunk(code) {
      const out = code.replace(/new URL\((["'`]assets\/)/g, 'new URL(/* @vite-ignore */ $1');
      return out === code ? null : { code: out, map: null };
    },
  };
}

const embedBuild = {
  lib: {
    entry: resolve(root, 'src/embed.ts'),
    formats: ['es', 'iife'] as ('es' | 'iife')[],
    name: 'Sentio',
    fileName: (format: string) => (format === 'es' ? 'sentio.mjs' : 'sentio.js'),
  },
  minify: true,
  copyPublicDir: false,
};

function buildFor(mode: string) {
  if (mode === 'embed') return embedBuild;
  return { rolldownOptions: { input: inputs(mode), checks: QUIET_CHECKS } };
}

export default defineConfig(({ mode, command }) => ({
  // The embed resolves its worker files against its own script URL (see src/embed.ts), wherever it is hosted.
  base: mode === 'embed' ? './' : '/',
  plugins: mode === 'bench' ? [] : mode === 'embed' ? [keepOwnAssetUrls()] : [pwa(), offlineFileList()],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: isolationHeaders },
  preview: {
    host: '127.0.0.1',
    port: mode === 'bench' ? 4174 : 4173, // overridden by --port from the Playwright configs
    strictPort: true,
    headers: isolationHeaders,
  },
  // onnxruntime-web's default ("bundle") builds name their .wasm with `new URL(…, import.meta.url)`, so the
  // build copied three of them (65 MB) into assets/ that nothing ever fetches: every backend points
  // `wasmPaths` at /runtime/. This export condition picks its builds that load the WASM only from there.
  // Builds only: the dev server copies nothing, and there the extern builds' runtime import() of the
  // glue .mjs from /runtime/ never finished warming up a model (start-command.spec).
  ...(command === 'build'
    ? { resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] } }
    : {}),
  worker: { format: 'es', rolldownOptions: { checks: QUIET_CHECKS } },
  optimizeDeps: {
    // The dev server pre-bundles what it finds from these entries before the first page load. Workers are
    // started with `new URL(…)`, which the scan does not follow: without them listed, their dependencies
    // are found late, re-bundled, and the page reloads under the user (twice on a first visit).
    entries: ['index.html', 'workers/*.ts'],
    // onnxruntime-web loads its own .wasm/.mjs siblings at run time; pre-bundling breaks those paths.
    exclude: ['onnxruntime-web'],
  },
  build: {
    target: 'es2022',
    outDir: outDirs[mode] ?? 'dist',
    // transformers.js is ~560 kB minified, loaded only by the workers that transcribe and embed.
    chunkSizeWarningLimit: 700,
    ...buildFor(mode),
  },
}));
