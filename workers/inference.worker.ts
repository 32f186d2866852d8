// The inference worker: wires the engine (src/inference) to this dedicated worker. Media arrives here by
// transfer; only results go back.
import manifestJson from '../models/manifest.json';
import { createInferenceEngine } from '../src/inference/engine';
import { parseManifest } from '../src/inference/manifest';
import type { Endpoint } from '../src/inference/protocol';
import { progressSender, serveInference } from '../src/inference/worker-host';
import { probeCapabilities } from '../src/platform/capabilities';

// The worker's global scope; the DOM lib we compile against does not declare worker scopes.
const scope = self as unknown as Endpoint;
const engine = probeCapabilities().then((caps) =>
  createInferenceEngine({
    manifest: parseManifest(manifestJson),
    modelBaseUrl: `${import.meta.env.BASE_URL}models/`,
    runtimeBaseUrl: `${import.meta.env.BASE_URL}runtime/`,
    crossOriginIsolated: caps.crossOriginIsolated,
    hardwareConcurrency: caps.hardwareConcurrency,
    webgpu: caps.webgpu.available
      ? { available: true, isFallbackAdapter: caps.webgpu.isFallbackAdapter }
      : { available: false, isFallbackAdapter: false },
    ...progressSender(scope),
  }),
);
serveInference(scope, engine);
