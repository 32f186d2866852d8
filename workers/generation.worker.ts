// The generation worker: local text generation (llama.cpp in WASM via wllama) on a model the user brought.
// Its own worker because a generation holds it for seconds; the perception models keep theirs.
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { createGenerationEngine } from '../src/inference/generation/engine';
import { serveGeneration } from '../src/inference/generation/host';
import type { FromGeneration, ToGeneration } from '../src/inference/generation/protocol';
import type { Endpoint } from '../src/platform/messages';

const scope = self as unknown as Endpoint<ToGeneration, FromGeneration>;
serveGeneration(
  scope,
  createGenerationEngine({
    wasmUrl,
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
    crossOriginIsolated: self.crossOriginIsolated,
  }),
);
