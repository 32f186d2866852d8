// onnxruntime-web as two backends: WebGPU (when an adapter exists) and WASM (SIMD, with threads only when
// the context is cross-origin isolated). Each loads its own build of the runtime from /runtime/ort/, never
// from a CDN. A session is created with exactly one execution provider, so a WebGPU session that cannot
// run on WebGPU fails instead of silently running on the CPU.
import type * as OrtModule from 'onnxruntime-web/wasm';
import type { BackendInit } from './registry';

export type OnnxBackendId = 'onnxruntime-webgpu' | 'onnxruntime-wasm' | 'onnxruntime-wasm-single';

export type OnnxInput =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

export interface OnnxOutput {
  data: Float32Array;
  dims: readonly number[];
}

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OnnxInput>): Promise<Record<string, OnnxOutput>>;
  release(): Promise<void>;
}

export interface OnnxBackend {
  readonly id: OnnxBackendId;
  /** WASM threads this backend runs with (1 when not cross-origin isolated). */
  readonly threads: number;
  createSession(bytes: ArrayBuffer): Promise<OnnxSession>;
}

export interface OnnxBackendOptions {
  /** URL prefix where the ort-wasm-simd-threaded.* files are served. */
  wasmPaths: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Called once if the WebGPU device is lost; the backend is unusable afterwards. */
  onDeviceLost?: (reason: string) => void;
}

type Ort = typeof OrtModule;

function threadCount(o: OnnxBackendOptions): number {
  // Threads need SharedArrayBuffer; without isolation onnxruntime would warn and fall back on its own.
  return o.crossOriginIsolated ? Math.max(1, Math.min(4, o.hardwareConcurrency)) : 1;
}

function wrap(ort: Ort, session: OrtModule.InferenceSession): OnnxSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const tensors: Record<string, OrtModule.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
      const out = await session.run(tensors);
      const result: Record<string, OnnxOutput> = {};
      for (const [name, t] of Object.entries(out)) {
        // WASM outputs are already on the CPU; getData() downloads GPU-resident ones (and costs a tick).
        const data = (t.location === 'cpu' ? t.data : await t.getData()) as Float32Array;
        result[name] = { data, dims: t.dims };
        t.dispose();
      }
      return result;
    },
    release: () => session.release(),
  };
}

function configure(ort: Ort, o: OnnxBackendOptions, threads: number) {
  ort.env.wasm.wasmPaths = o.wasmPaths;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
}

export function onnxWasmBackend(o: OnnxBackendOptions): BackendInit<OnnxBackend> {
  return {
    async init() {
      const ort: Ort = await import('onnxruntime-web/wasm');
      const threads = threadCount(o);
      configure(ort, o, threads);
      return {
        id: 'onnxruntime-wasm',
        threads,
        async createSession(bytes) {
          const s = await ort.InferenceSession.create(new Uint8Array(bytes), {
            executionProviders: ['wasm'],
            graphOptimizationLevel: 'all',
          });
          return wrap(ort, s);
        },
      };
    },
  };
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}
interface GpuDeviceLike {
  lost: Promise<{ reason: string; message: string }>;
}

/**
 * WASM on one thread, for small recurrent models (Silero VAD) where a thread pool costs more in
 * synchronisation than it saves (measured ~3× slower per 32 ms frame with 2 threads). onnxruntime reads
 * its thread count once per runtime instance, so this backend loads a second instance of the same plain
 * WASM build (the `?single` suffix makes the bundler keep it a separate module). Not the default
 * `onnxruntime-web` entry: that is the JSEP build, whose asyncify instrumentation made every Silero frame
 * ≈2.5× slower.
 */
export function onnxWasmSingleThreadBackend(o: OnnxBackendOptions): BackendInit<OnnxBackend> {
  return {
    async init() {
      const ort: Ort = await import('onnxruntime-web/wasm?single');
      configure(ort, o, 1);
      return {
        id: 'onnxruntime-wasm-single',
        threads: 1,
        async createSession(bytes) {
          const s = await ort.InferenceSession.create(new Uint8Array(bytes), {
            executionProviders: ['wasm'],
            graphOptimizationLevel: 'all',
          });
          return wrap(ort, s);
        },
      };
    },
  };
}

export function onnxWebGpuBackend(o: OnnxBackendOptions): BackendInit<OnnxBackend> {
  return {
    async init() {
      const gpu = (navigator as { gpu?: GpuLike }).gpu;
      if (!gpu) throw new Error('navigator.gpu is missing (WebGPU not enabled in this browser)');
      if (!(await gpu.requestAdapter()))
        throw new Error('requestAdapter() returned null (no WebGPU adapter)');
      const ort = (await import('onnxruntime-web/webgpu')) as unknown as Ort;
      const threads = threadCount(o);
      configure(ort, o, threads);
      let lost: string | null = null;
      let watching = false;
      const watchDevice = async () => {
        if (watching) return;
        watching = true;
        const device = (await (ort.env.webgpu as { device: Promise<unknown> }).device) as GpuDeviceLike;
        void device.lost.then((info) => {
          lost = `${info.reason}: ${info.message}`;
          o.onDeviceLost?.(lost);
        });
      };
      return {
        id: 'onnxruntime-webgpu',
        threads,
        async createSession(bytes) {
          if (lost) throw new Error(`the WebGPU device was lost (${lost})`);
          const s = await ort.InferenceSession.create(new Uint8Array(bytes), {
            executionProviders: ['webgpu'],
            graphOptimizationLevel: 'all',
          });
          await watchDevice();
          const session = wrap(ort, s);
          return {
            ...session,
            run: (feeds) => {
              if (lost) return Promise.reject(new Error(`the WebGPU device was lost (${lost})`));
              return session.run(feeds);
            },
          };
        },
      };
    },
  };
}
