// The inference engine: one per worker. It resolves a backend for each task (reporting every fallback),
// loads the task's model through the store on first use, warms it, reuses it, runs requests through a
// queue per model, and returns each result with the backend that ran it and per-stage timings. The tasks
// themselves are in runners/.
import { mediaPipeBackend, type MediaPipeBackend } from './backends/mediapipe';
import {
  onnxWasmBackend,
  onnxWasmSingleThreadBackend,
  onnxWebGpuBackend,
  type OnnxBackend,
} from './backends/onnxruntime';
import { createBackendRegistry, type BackendRegistry } from './backends/registry';
import { tfjsCpuBackend, type TfjsBackend } from './backends/tfjs';
import { transformersBackend, type TransformersBackend } from './backends/transformers';
import { InferenceInputError } from './errors';
import { createPixelReader } from './image';
import {
  ManifestError,
  modelForTask,
  parseModelEntry,
  TASKS,
  type Manifest,
  type ModelEntry,
  type Task,
} from './manifest';

import { createModelStore, type LoadProgress, type ModelStore } from './model-store';
import { createAudioRunners } from './runners/audio';
import { ms, type Runner, type RunnerContext } from './runners/context';
import { createVisionRunners } from './runners/vision';
import { createSessionCache } from './session-cache';
import { createTaskQueue, type TaskQueue } from './task-queue';
import type { EngineStats, InferOptions, InferResult, Timings } from './types';

const isEngineTask = (t: string): t is Task => (TASKS as readonly string[]).includes(t);

export interface EngineOptions {
  manifest: Manifest;
  /** Served model folder, e.g. "/models/". */
  modelBaseUrl: string;
  /** Served runtime folder, e.g. "/runtime/" (holds ort/, transformers-ort/, mediapipe/). */
  runtimeBaseUrl: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** A software WebGPU adapter is slower than WASM: it then ranks below WASM unless asked for by name. */
  webgpu: { available: boolean; isFallbackAdapter: boolean };
  onProgress?: (p: LoadProgress) => void;
  onDeviceLost?: (info: { backend: string; reason: string; count: number }) => void;
  store?: ModelStore;
  now?: () => number;
}

export interface InferenceEngine {
  infer<T extends Task>(id: number, task: T, input: unknown, options?: InferOptions): Promise<InferResult<T>>;
  cancel(id: number): boolean;
  /** Adds a user-supplied model (URL + checksums) that replaces the default for its task. */
  addModel(entry: unknown): ModelEntry;
  /** Drops loaded sessions (all, or one task's) so the next call loads again. */
  release(task?: Task): Promise<void>;
  stats(): EngineStats;
}

export function createInferenceEngine(o: EngineOptions): InferenceEngine {
  const now = o.now ?? (() => performance.now());
  const store = o.store ?? createModelStore({ baseUrl: o.modelBaseUrl, onProgress: o.onProgress, now });
  const models = new Map<Task, ModelEntry>(
    TASKS.flatMap((t) => {
      const m = o.manifest.models.find((e) => e.task === t);
      return m ? [[t, m] as const] : [];
    }),
  );
  const modelFor = (task: Task) => models.get(task) ?? modelForTask(o.manifest, task);
  const sessions = createSessionCache({ now, modelFor });
  let deviceLosses = 0;
  const rt = o.runtimeBaseUrl.endsWith('/') ? o.runtimeBaseUrl : `${o.runtimeBaseUrl}/`;
  const platform = { crossOriginIsolated: o.crossOriginIsolated, hardwareConcurrency: o.hardwareConcurrency };
  const hardwareGpu = o.webgpu.available && !o.webgpu.isFallbackAdapter;

  const onnx: BackendRegistry<OnnxBackend> = createBackendRegistry();
  onnx.register(
    'onnxruntime-webgpu',
    onnxWebGpuBackend({
      ...platform,
      wasmPaths: `${rt}ort/`,
      onDeviceLost: (reason) => {
        deviceLosses++;
        // Sessions on the lost device are dropped; the next call falls back (and says so).
        sessions.dropBackend('onnxruntime-webgpu');
        o.onDeviceLost?.({ backend: 'onnxruntime-webgpu', reason, count: deviceLosses });
      },
    }),
    hardwareGpu ? 20 : 5,
  );
  // Above the threaded build only for models that list it (Silero): small recurrent nets run faster alone.
  onnx.register('onnxruntime-wasm', onnxWasmBackend({ ...platform, wasmPaths: `${rt}ort/` }), 10);
  onnx.register(
    'onnxruntime-wasm-single',
    onnxWasmSingleThreadBackend({ ...platform, wasmPaths: `${rt}ort/` }),
    12,
  );

  const tfjs: BackendRegistry<TfjsBackend> = createBackendRegistry();
  tfjs.register('tfjs-cpu', tfjsCpuBackend(), 10);

  const transformers: BackendRegistry<TransformersBackend> = createBackendRegistry();
  // transformers.js takes a path (it would treat a URL as a remote model); the store serves the bytes anyway.
  const modelPath = new URL(o.modelBaseUrl, 'http://localhost/').pathname;
  const tOpts = { ...platform, modelPath, wasmPaths: `${rt}transformers-ort/` };
  transformers.register('transformers-webgpu', transformersBackend('webgpu', tOpts), hardwareGpu ? 20 : 5);
  transformers.register('transformers-wasm', transformersBackend('wasm', tOpts), 10);

  const mediapipe: BackendRegistry<MediaPipeBackend> = createBackendRegistry();
  mediapipe.register('mediapipe-cpu', mediaPipeBackend({ wasmPath: `${rt}mediapipe/` }), 10);

  const ctx: RunnerContext = {
    now,
    store,
    pixels: createPixelReader(),
    sessions,
    candidatesFor: (task, opts) =>
      opts.backends
        ? { ids: opts.backends, ordered: true }
        : { ids: modelFor(task).backends, ordered: false },
  };
  const audio = createAudioRunners(ctx, { onnx, transformers });
  const runners: { [T in Task]: Runner<T> } = {
    ...createVisionRunners(ctx, { onnx, tfjs, mediapipe }),
    'voice-activity': audio['voice-activity'],
    'speech-recognition': audio['speech-recognition'],
  };
  const queues = new Map<string, TaskQueue>();

  function queueFor(task: Task): TaskQueue {
    let q = queues.get(task);
    if (!q) queues.set(task, (q = createTaskQueue(task)));
    return q;
  }

  return {
    async infer<T extends Task>(id: number, task: T, input: unknown, options: InferOptions = {}) {
      if (!(TASKS as readonly string[]).includes(task))
        throw new InferenceInputError(String(task), `unknown task; expected one of ${TASKS.join(', ')}`);
      const queued = now();
      return queueFor(task).push(id, options.realtime ?? false, async () => {
        const t: Timings = {
          queueMs: ms(queued, now()),
          loadMs: 0,
          preprocessMs: 0,
          modelMs: 0,
          decodeMs: 0,
          totalMs: 0,
        };
        const before = sessions.list();
        const { l, output } = await (runners[task] as Runner<T>)(input, options, t);
        const fresh = !before.some((s) => s.task === task && s.backend === l.backend);
        t.loadMs = fresh ? l.loadMs : 0;
        t.totalMs = ms(queued, now());
        const result: InferResult<T> = {
          task,
          model: l.model,
          backend: l.backend,
          fellBackFrom: l.fellBackFrom,
          threads: l.threads,
          loadedFrom: fresh ? l.loadedFrom : null,
          output,
          timings: t,
        };
        return result;
      });
    },
    cancel(id) {
      for (const q of queues.values()) if (q.cancel(id)) return true;
      return false;
    },
    addModel(input) {
      const entry = parseModelEntry(input);
      const task = entry.task;
      if (!isEngineTask(task))
        throw new ManifestError('task', `"${task}" is not a task this engine runs (${TASKS.join(', ')})`);
      models.set(task, entry);
      void this.release(task);
      return entry;
    },
    async release(task) {
      await sessions.release(task);
      if (!task || task === 'voice-activity') audio.clearStreams();
    },
    stats() {
      return {
        sessions: sessions.list(),
        deviceLosses,
        queues: Object.fromEntries([...queues].map(([k, q]) => [k, q.stats()])),
      };
    },
  };
}
