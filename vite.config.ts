import { defineConfig } from 'vite';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';

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
  if (mode === 'bench') return pagesIn('bench');
  if (mode === 'e2e') return { ...app, ...pagesIn('e2e/pages') };
  return app;
}

const outDirs: Record<string, string> = { bench: 'dist-bench', e2e: 'dist-e2e' };

export default defineConfig(({ mode }) => ({
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: isolationHeaders },
  preview: {
    host: '127.0.0.1',
    port: mode === 'bench' ? 4174 : 4173, // overridden by --port from the Playwright configs
    strictPort: true,
    headers: isolationHeaders,
  },
  worker: { format: 'es' },
  // onnxruntime-web loads its own .wasm/.mjs siblings at run time; pre-bundling breaks those paths.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    outDir: outDirs[mode] ?? 'dist',
    rolldownOptions: { input: inputs(mode) },
  },
}));
