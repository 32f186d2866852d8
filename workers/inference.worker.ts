// The inference worker: wires the engine (src/inference) to this dedicated worker. Media arrives here by
// transfer; only results go back.
import manifestJson from '../models/manifest.json';
import { createInferenceEngine } from '../src/inference/engine';
import { parseManifest } from '../src/inference/manifest';
import type { FromWorker, ToWorker } from '../src/inference/protocol';
import type { Endpoint } from '../src/platform/messages';
import { progressSender, serveInference } from '../src/inference/worker-host';
import { probeCapabilities } from '../src/platform/capabilities';

// The worker's global scope; the DOM lib we compile against does not declare worker scopes.
const scope = self as unknown as Endpoint<ToWorker, FromWorker>;
// onnxruntime-web import()s its .mjs runtime from here. A root-relative path would get Vite's dev server
// `?import` query appended, which it refuses for /public files; an absolute URL is left as it is (and
// names the same file in a build). A relative base (the embed's './') stays relative to this script.
const runtimeBase = `${import.meta.env.BASE_URL}runtime/`;
const runtimeBaseUrl = runtimeBase.startsWith('/')
  ? new URL(runtimeBase, self.location.origin).href
  : runtimeBase;
const engine = probeCapabilities().then((caps) =>
  createInferenceEngine({
    manifest: parseManifest(manifestJson),
    modelBaseUrl: `${import.meta.env.BASE_URL}models/`,
    runtimeBaseUrl,
    crossOriginIsolated: caps.crossOriginIsolated,
    hardwareConcurrency: caps.hardwareConcurrency,
    webgpu: caps.webgpu.available
      ? { available: true, isFallbackAdapter: caps.webgpu.isFallbackAdapter }
      : { available: false, isFallbackAdapter: false },
    ...progressSender(scope),
  }),
);
serveInference(scope, engine);
