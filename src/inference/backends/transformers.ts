// transformers.js (Whisper) with local files only: remote models are off, the runtime WASM is its own
// nested onnxruntime-web build served from /runtime/transformers-ort/, and every model file it asks for is
// answered by Sentio's model store (checksummed, cached for offline use) through transformers.js's
// custom-cache hook, so it never fetches a model by itself.
import type { LoadSource, ModelStore } from '../model-store';
import type { ModelEntry } from '../manifest';
import type { BackendInit } from './registry';

export type TransformersBackendId = 'transformers-wasm' | 'transformers-webgpu';

export interface Transcription {
  text: string;
  /** The model's probability for each token it emitted (greedy decoding): its own confidence. */
  tokenConfidences: number[];
}

export interface SpeechRecognizer {
  transcribe(audio: Float32Array, options?: { language?: string }): Promise<Transcription>;
  dispose(): Promise<void>;
}

export interface TransformersBackend {
  readonly id: TransformersBackendId;
  readonly threads: number;
  loadSpeechRecognizer(
    entry: ModelEntry,
    store: ModelStore,
  ): Promise<{ recognizer: SpeechRecognizer; source: LoadSource }>;
}

export interface TransformersOptions {
  /** URL prefix of the served folder, e.g. "/models/" (a path: an absolute URL breaks inference). */
  modelPath: string;
  /** URL prefix of transformers.js's own onnxruntime-web files. */
  wasmPaths: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

export function transformersBackend(
  device: 'wasm' | 'webgpu',
  o: TransformersOptions,
): BackendInit<TransformersBackend> {
  return {
    async init() {
      if (device === 'webgpu') {
        const gpu = (navigator as { gpu?: GpuLike }).gpu;
        if (!gpu) throw new Error('navigator.gpu is missing (WebGPU not enabled in this browser)');
        if (!(await gpu.requestAdapter()))
          throw new Error('requestAdapter() returned null (no WebGPU adapter)');
      }
      const t = await import('@huggingface/transformers');
      const threads = o.crossOriginIsolated ? Math.max(1, Math.min(4, o.hardwareConcurrency)) : 1;
      t.env.allowRemoteModels = false;
      t.env.allowLocalModels = true;
      t.env.localModelPath = o.modelPath;
      t.env.useBrowserCache = false;
      t.env.useWasmCache = false;
      const wasm = t.env.backends.onnx.wasm!;
      wasm.wasmPaths = {
        mjs: `${o.wasmPaths}ort-wasm-simd-threaded.asyncify.mjs`,
        wasm: `${o.wasmPaths}ort-wasm-simd-threaded.asyncify.wasm`,
      };
      wasm.numThreads = threads;
      return {
        id: device === 'wasm' ? 'transformers-wasm' : 'transformers-webgpu',
        threads,
        async loadSpeechRecognizer(entry, store) {
          const prefix = `${o.modelPath}${entry.id}/`;
          let source: LoadSource = 'cache';
          t.env.useCustomCache = true;
          t.env.customCache = {
            async match(request: string) {
              const path = request.startsWith(prefix) ? request.slice(prefix.length) : null;
              const file = entry.files.find((f) => f.path === path);
              if (!file) return undefined;
              const r = await store.loadFile(entry, file);
              if (r.source === 'network') source = 'network';
              const bytes = r.bytes;
              return new Response(bytes);
            },
            // Files of this model are cached by the store when it verifies them; anything else is not ours.
            async put() {},
          };
          const asr = await t.pipeline('automatic-speech-recognition', entry.id, {
            device,
            dtype: 'q8',
          });
          const recognizer: SpeechRecognizer = {
            async transcribe(audio, options) {
              const tokenConfidences: number[] = [];
              const out = (await asr(audio, {
                language: options?.language ?? 'english',
                task: 'transcribe',
                logits_processor: [observeTokenConfidence(tokenConfidences)],
              } as never)) as { text: string } | { text: string }[];
              return { text: (Array.isArray(out) ? out[0]!.text : out.text).trim(), tokenConfidences };
            },
            dispose: () => asr.dispose(),
          };
          return { recognizer, source };
        },
      };
    },
  };
}

/**
 * A logits processor that changes nothing and records, at each greedy decoding step, the probability of
 * the token that will be picked (softmax of the argmax): the router's and the learned router's signal of
 * how sure Whisper is of its own transcript.
 */
function observeTokenConfidence(into: number[]) {
  return (_ids: unknown, logits: { data: ArrayLike<number>; dims: number[] }) => {
    const row = logits.data;
    const n = logits.dims.at(-1)!;
    const start = row.length - n;
    let max = -Infinity;
    for (let i = start; i < row.length; i++) if (row[i]! > max) max = row[i]!;
    let sum = 0;
    for (let i = start; i < row.length; i++) sum += Math.exp(row[i]! - max);
    into.push(1 / sum);
    return logits;
  };
}
