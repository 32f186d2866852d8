// The inference worker: wires the engine (src/inference) to this dedicated worker. Media arrives here by
// transfer; only results go back.
import manifestJson from '../models/manifest.json';
import { createInferenceEngine } from '../src/inference/engine';
import { parseManifest } from '../src/inference/manifest';
import type { FromWorker, ToWorker } from '../src/inference/protocol';
import type { Endpoint } from '../src/platform/messages';
import { progressSender, serveInference } from '../src/inference/worker-host';
import { probeCapabilities } from '../src/platform/capabilities';
import { baseOfWorkerScript } from '../src/platform/runtime-files';

// The worker's global scope; the DOM lib we compile against does not declare worker scopes.
const scope = self as unknown as Endpoint<ToWorker, FromWorker>;
// Runtime files (WASM, models) are beside this script's folder: `<base>assets/` holds the workers (see
// src/platform/runtime-files.ts), so a page that loads Sentio from another base needs to tell us nothing.
// An absolute URL also keeps Vite's dev server from appending `?import` to onnxruntime-web's import() of
// its .mjs runtime (it refuses that for /public files).
const base = baseOfWorkerScript(import.meta.url);
const engine = probeCapabilities().then((caps) =>
  createInferenceEngine({
    manifest: parseManifest(manifestJson),
    modelBaseUrl: new URL('models/', base).href,
    runtimeBaseUrl: new URL('runtime/', base).href,
    crossOriginIsolated: caps.crossOriginIsolated,
    hardwareConcurrency: caps.hardwareConcurrency,
    webgpu: caps.webgpu.available
      ? { available: true, isFallbackAdapter: caps.webgpu.isFallbackAdapter }
      : { available: false, isFallbackAdapter: false },
    ...progressSender(scope),
  }),
);
serveInference(scope, engine);
