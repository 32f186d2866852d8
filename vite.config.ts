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

/** Benchmark pages are built only in `--mode bench`, so they never ship in the app. */
function benchPages(): Record<string, string> {
  const dir = resolve(root, 'bench');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => [`bench/${f.replace(/\.html$/, '')}`, resolve(dir, f)]),
  );
}

/** Test pages of e2e/pages/ are built only in `--mode e2e` (the Playwright build), next to the app. */
function e2ePages(): Record<string, string> {
  const dir = resolve(root, 'e2e', 'pages');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => [`e2e/${f.replace(/\.html$/, '')}`, resolve(dir, f)]),
  );
}

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
    outDir: mode === 'bench' ? 'dist-bench' : 'dist',
    rolldownOptions: {
      input:
        mode === 'bench'
          ? benchPages()
          : { index: resolve(root, 'index.html'), ...(mode === 'e2e' ? e2ePages() : {}) },
    },
  },
}));
