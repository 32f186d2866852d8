// The inference engine: one per worker. It resolves a backend for each task (reporting every fallback),
// loads the task's model through the store on first use, warms it, reuses it, runs requests through a
// queue per model, and returns each result with the backend that ran it and per-stage timings.
import { wavTo16kMono } from './audio';
import { mediaPipeBackend, type MediaPipeBackend, type PoseDetector } from './backends/mediapipe';
import {
  onnxWasmBackend,
  onnxWasmSingleThreadBackend,
  onnxWebGpuBackend,
  type OnnxBackend,
  type OnnxSession,
} from './backends/onnxruntime';
import { createBackendRegistry, type Attempt, type BackendRegistry } from './backends/registry';
import { tfjsCpuBackend, type TfjsBackend, type TfjsGraph } from './backends/tfjs';
import {
  transformersBackend,
  type SpeechRecognizer,
  type TransformersBackend,
} from './backends/transformers';
import { BackendUnavailableError, InferenceInputError } from './errors';
import { createPixelReader, toDrawable, type ImageInput } from './image';
import { modelForTask, parseModelEntry, TASKS, type Manifest, type ModelEntry, type Task } from './manifest';
import { createModelStore, type LoadProgress, type LoadSource, type ModelStore } from './model-store';
import { createTaskQueue, type TaskQueue } from './task-queue';
import {
  BLAZEFACE_SIZE,
  blazeFaceAnchors,
  decodeBlazeFace,
  letterbox,
  rgbaToBlazeFaceInput,
} from './tasks/blazeface';
import { EXPRESSION_SIZE, faceCrop, readExpression, rgbaToExpressionInput } from './tasks/expression';
import {
  DEFAULT_HYSTERESIS,
  HysteresisSegmenter,
  SileroFramer,
  VAD_FRAME,
  VAD_SAMPLE_RATE,
  VAD_STATE_SIZE,
  type SpeechSegment,
} from './tasks/silero';
import type { EngineStats, InferOptions, InferResult, TaskOutputs, Timings } from './types';

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

interface Loaded<S> {
  backend: string;
  threads: number | null;
  fellBackFrom: readonly Attempt[];
  model: string;
  session: S;
  loadedFrom: LoadSource;
  loadMs: number;
  dispose(): Promise<void> | void;
}

interface VadStream {
  framer: SileroFramer;
  state: Float32Array;
}

const ms = (t0: number, t1: number) => Math.max(0, t1 - t0);

export function createInferenceEngine(o: EngineOptions): InferenceEngine {
  const now = o.now ?? (() => performance.now());
  const store = o.store ?? createModelStore({ baseUrl: o.modelBaseUrl, onProgress: o.onProgress, now });
  const models = new Map<Task, ModelEntry>(
    TASKS.flatMap((t) => {
      const m = o.manifest.models.find((e) => e.task === t);
      return m ? [[t, m] as const] : [];
    }),
  );
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
        for (const [key, l] of loaded) if (l.backend === 'onnxruntime-webgpu') loaded.delete(key);
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
  const tOpts = { ...platform, modelPath: o.modelBaseUrl, wasmPaths: `${rt}transformers-ort/` };
  transformers.register('transformers-webgpu', transformersBackend('webgpu', tOpts), hardwareGpu ? 20 : 5);
  transformers.register('transformers-wasm', transformersBackend('wasm', tOpts), 10);

  const mediapipe: BackendRegistry<MediaPipeBackend> = createBackendRegistry();
  mediapipe.register('mediapipe-cpu', mediaPipeBackend({ wasmPath: `${rt}mediapipe/` }), 10);

  const loaded = new Map<string, Loaded<unknown>>();
  const loading = new Map<string, Promise<Loaded<unknown>>>();
  const queues = new Map<string, TaskQueue>();
  const vadStreams = new Map<string, VadStream>();
  const pixels = createPixelReader();
  const anchors = blazeFaceAnchors();

  const modelFor = (task: Task) => models.get(task) ?? modelForTask(o.manifest, task);

  /**
   * Tries the candidate backends in priority order until one both starts and accepts the model; every
   * failure on the way is kept and reported with the result.
   */
  async function loadOn<H, S>(
    task: Task,
    registry: BackendRegistry<H>,
    candidates: { ids: readonly string[]; ordered: boolean },
    create: (
      handle: H,
      entry: ModelEntry,
    ) => Promise<{ session: S; threads: number | null; source: LoadSource; dispose(): unknown }>,
  ): Promise<Loaded<S>> {
    const entry = modelFor(task);
    const attempts: Attempt[] = [];
    let remaining = [...candidates.ids];
    for (;;) {
      const r = await registry.resolve(remaining, { ordered: candidates.ordered });
      if (!('handle' in r)) throw new BackendUnavailableError(task, [...attempts, ...r.attempts]);
      attempts.push(...r.fellBackFrom);
      remaining = remaining.filter((c) => c !== r.id && !r.fellBackFrom.some((a) => a.backend === c));
      const key = `${task}:${r.id}`;
      const hit = loaded.get(key);
      if (hit) return { ...(hit as Loaded<S>), fellBackFrom: attempts };
      const t0 = now();
      try {
        const made = await create(r.handle, entry);
        const l: Loaded<S> = {
          backend: r.id,
          threads: made.threads,
          fellBackFrom: attempts,
          model: entry.id,
          session: made.session,
          loadedFrom: made.source,
          loadMs: ms(t0, now()),
          dispose: async () => void (await made.dispose()),
        };
        loaded.set(key, l as Loaded<unknown>);
        return l;
      } catch (err) {
        // A broken or missing model file is not the backend's fault: trying another would hide it.
        if (err instanceof Error && (err.name === 'ModelLoadError' || err.name === 'ModelQuotaError'))
          throw err;
        attempts.push({ backend: r.id, reason: err instanceof Error ? err.message : String(err) });
        if (remaining.length === 0) throw new BackendUnavailableError(task, attempts);
      }
    }
  }

  /** One load at a time per task+candidates, so concurrent first calls share it. */
  function once<S>(key: string, load: () => Promise<Loaded<S>>): Promise<Loaded<S>> {
    let p = loading.get(key) as Promise<Loaded<S>> | undefined;
    if (!p) {
      p = load().finally(() => loading.delete(key));
      loading.set(key, p as Promise<Loaded<unknown>>);
    }
    return p;
  }

  /** A caller's explicit list is tried in its order; the model's own list by registry priority. */
  const candidatesFor = (task: Task, opts: InferOptions) =>
    opts.backends ? { ids: opts.backends, ordered: true } : { ids: modelFor(task).backends, ordered: false };
  const keyOf = (c: { ids: readonly string[]; ordered: boolean }) =>
    `${c.ordered ? '=' : '~'}${c.ids.join(',')}`;

  function faceSession(opts: InferOptions) {
    const c = candidatesFor('face-detection', opts);
    return once(`face-detection:${keyOf(c)}`, () =>
      loadOn<OnnxBackend, OnnxSession>('face-detection', onnx, c, async (b, entry) => {
        const m = await store.loadModel(entry);
        const session = await b.createSession(m.files.get('model.onnx')!);
        // Warm-up: the first run allocates and (on WebGPU) compiles shaders.
        await session.run({
          'input:0': {
            type: 'float32',
            data: new Float32Array(BLAZEFACE_SIZE * BLAZEFACE_SIZE * 3),
            dims: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3],
          },
        });
        return { session, threads: b.threads, source: m.source, dispose: () => session.release() };
      }),
    );
  }

  async function detectFaces(input: unknown, opts: InferOptions, t: Timings) {
    const l = await faceSession(opts);
    const t0 = now();
    const d = await toDrawable(input, 'face-detection');
    try {
      const lb = letterbox(d.width, d.height);
      const rgba = pixels.read(d, BLAZEFACE_SIZE, BLAZEFACE_SIZE, {
        sx: 0,
        sy: 0,
        sw: d.width,
        sh: d.height,
        dx: lb.padX,
        dy: lb.padY,
        dw: d.width * lb.scale,
        dh: d.height * lb.scale,
      });
      const data = rgbaToBlazeFaceInput(rgba);
      const t1 = now();
      const out = await l.session.run({
        'input:0': { type: 'float32', data, dims: [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3] },
      });
      const t2 = now();
      const scores = concat(out['Identity:0']!.data, out['Identity_1:0']!.data);
      const boxes = concat(out['Identity_2:0']!.data, out['Identity_3:0']!.data);
      const faces = decodeBlazeFace(scores, boxes, anchors, lb, { minScore: opts.minScore ?? 0.6, iou: 0.3 });
      const t3 = now();
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, t2);
      t.decodeMs += ms(t2, t3);
      return { l, faces, drawable: d, width: d.width, height: d.height };
    } catch (err) {
      d.release();
      throw err;
    }
  }

  const runners: {
    [T in Task]: (
      input: unknown,
      opts: InferOptions,
      t: Timings,
    ) => Promise<{ l: Loaded<unknown>; output: TaskOutputs[T] }>;
  } = {
    async 'face-detection'(input, opts, t) {
      const r = await detectFaces(input, opts, t);
      r.drawable.release();
      return { l: r.l, output: { faces: r.faces, width: r.width, height: r.height } };
    },

    async 'facial-expression'(input, opts, t) {
      const l = await once('facial-expression', () =>
        loadOn<TfjsBackend, TfjsGraph>(
          'facial-expression',
          tfjs,
          candidatesFor('facial-expression', opts),
          async (b, entry) => {
            const m = await store.loadModel(entry);
            const graph = await b.loadGraph(m.files.get('model.json')!, m.files);
            await graph.run(new Float32Array(EXPRESSION_SIZE * EXPRESSION_SIZE), [
              1,
              EXPRESSION_SIZE,
              EXPRESSION_SIZE,
              1,
            ]);
            return { session: graph, threads: null, source: m.source, dispose: () => graph.dispose() };
          },
        ),
      );
      let detection: TaskOutputs['facial-expression']['detection'] = null;
      let boxes = opts.faces;
      let d;
      if (boxes) d = await toDrawable(input, 'facial-expression');
      else {
        const t0 = now();
        const r = await detectFaces(input, { ...opts, backends: undefined }, t);
        detection = {
          backend: r.l.backend,
          model: r.l.model,
          faces: r.faces,
          width: r.width,
          height: r.height,
          ms: ms(t0, now()),
        };
        boxes = r.faces.map((f) => f.box);
        d = r.drawable;
      }
      try {
        const faces = [];
        for (const box of boxes) {
          const t0 = now();
          const c = faceCrop(box);
          const rgba = pixels.read(d, EXPRESSION_SIZE, EXPRESSION_SIZE, {
            sx: c.x,
            sy: c.y,
            sw: c.size,
            sh: c.size,
            dx: 0,
            dy: 0,
            dw: EXPRESSION_SIZE,
            dh: EXPRESSION_SIZE,
          });
          const x = rgbaToExpressionInput(rgba);
          const t1 = now();
          const probs = await l.session.run(x, [1, EXPRESSION_SIZE, EXPRESSION_SIZE, 1]);
          const t2 = now();
          faces.push({ ...readExpression(probs), box });
          t.preprocessMs += ms(t0, t1);
          t.modelMs += ms(t1, t2);
          t.decodeMs += ms(t2, now());
        }
        return { l: l as Loaded<unknown>, output: { faces, detection } };
      } finally {
        d.release();
      }
    },

    async 'voice-activity'(input, opts, t) {
      const c = candidatesFor('voice-activity', opts);
      const l = await once(`voice-activity:${keyOf(c)}`, () =>
        loadOn<OnnxBackend, OnnxSession>('voice-activity', onnx, c, async (b, entry) => {
          const m = await store.loadModel(entry);
          const session = await b.createSession(m.files.get('model.onnx')!);
          // Warm-up on one silent frame with a throw-away state.
          await session.run({
            input: { type: 'float32', data: new Float32Array(576), dims: [1, 576] },
            state: { type: 'float32', data: new Float32Array(VAD_STATE_SIZE), dims: [2, 1, 128] },
            sr: { type: 'int64', data: BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), dims: [1] },
          });
          return { session, threads: b.threads, source: m.source, dispose: () => session.release() };
        }),
      );
      const t0 = now();
      const audio = await toAudio(input, 'voice-activity');
      let s: VadStream;
      if (opts.stream) {
        s = vadStreams.get(opts.stream) ?? {
          framer: new SileroFramer(),
          state: new Float32Array(VAD_STATE_SIZE),
        };
        vadStreams.set(opts.stream, s);
      } else s = { framer: new SileroFramer(), state: new Float32Array(VAD_STATE_SIZE) };
      const firstSample = s.framer.framed;
      const frames = s.framer.push(audio);
      const t1 = now();
      const probabilities: number[] = [];
      const sr = { type: 'int64' as const, data: BigInt64Array.of(BigInt(VAD_SAMPLE_RATE)), dims: [1] };
      for (const frame of frames) {
        const out = await l.session.run({
          input: { type: 'float32', data: frame, dims: [1, frame.length] },
          state: { type: 'float32', data: s.state, dims: [2, 1, 128] },
          sr,
        });
        probabilities.push(out['output']!.data[0]!);
        s.state = out['stateN']!.data;
      }
      const t2 = now();
      let segments: SpeechSegment[] | null = null;
      if (!opts.stream) {
        const seg = new HysteresisSegmenter(DEFAULT_HYSTERESIS);
        segments = [];
        for (const p of probabilities)
          for (const e of seg.push(p)) if (e.type === 'end') segments.push(e.segment);
        for (const e of seg.flush()) if (e.type === 'end') segments.push(e.segment);
      }
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, t2);
      t.decodeMs += ms(t2, now());
      return {
        l: l as Loaded<unknown>,
        output: { frameMs: (VAD_FRAME / VAD_SAMPLE_RATE) * 1000, probabilities, firstSample, segments },
      };
    },

    async 'speech-recognition'(input, opts, t) {
      const c = candidatesFor('speech-recognition', opts);
      const l = await once(`speech-recognition:${keyOf(c)}`, () =>
        loadOn<TransformersBackend, SpeechRecognizer>(
          'speech-recognition',
          transformers,
          c,
          async (b, entry) => {
            const r = await b.loadSpeechRecognizer(entry, store);
            return {
              session: r.recognizer,
              threads: b.threads,
              source: r.source,
              dispose: () => r.recognizer.dispose(),
            };
          },
        ),
      );
      const t0 = now();
      const audio = await toAudio(input, 'speech-recognition');
      if (audio.length === 0) throw new InferenceInputError('speech-recognition', 'the audio is empty');
      const t1 = now();
      const text = await l.session.transcribe(audio, { language: opts.language });
      t.preprocessMs += ms(t0, t1);
      t.modelMs += ms(t1, now());
      return { l: l as Loaded<unknown>, output: { text, seconds: audio.length / VAD_SAMPLE_RATE } };
    },

    async pose(input, opts, t) {
      const l = await once('pose', () =>
        loadOn<MediaPipeBackend, PoseDetector>(
          'pose',
          mediapipe,
          candidatesFor('pose', opts),
          async (b, entry) => {
            const m = await store.loadModel(entry);
            const file = entry.files[0]!.path;
            const det = await b.loadPose(m.files.get(file)!);
            // Warm-up: the first detect compiles MediaPipe's GL graph.
            const canvas = new OffscreenCanvas(64, 64);
            canvas.getContext('2d')!.fillRect(0, 0, 64, 64);
            const blank = canvas.transferToImageBitmap();
            det.detect(blank);
            blank.close();
            return { session: det, threads: null, source: m.source, dispose: () => det.close() };
          },
        ),
      );
      const t0 = now();
      const d = await toDrawable(input, 'pose');
      try {
        const t1 = now();
        const r = l.session.detect(d.source);
        t.preprocessMs += ms(t0, t1);
        t.modelMs += ms(t1, now());
        return { l: l as Loaded<unknown>, output: { poses: r.landmarks, width: d.width, height: d.height } };
      } finally {
        d.release();
      }
    },
  };

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
        const start = now();
        const t: Timings = {
          queueMs: ms(queued, start),
          loadMs: 0,
          preprocessMs: 0,
          modelMs: 0,
          decodeMs: 0,
          totalMs: 0,
        };
        const wasLoaded = new Set(loaded.keys());
        const run = runners[task] as (
          i: unknown,
          o: InferOptions,
          t: Timings,
        ) => Promise<{ l: Loaded<unknown>; output: TaskOutputs[T] }>;
        const { l, output } = await run(input, options, t);
        const fresh = ![...wasLoaded].includes(`${task}:${l.backend}`);
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
      models.set(entry.task, entry);
      void this.release(entry.task);
      return entry;
    },
    async release(task) {
      for (const [key, l] of [...loaded]) {
        if (task && !key.startsWith(`${task}:`)) continue;
        loaded.delete(key);
        await l.dispose();
      }
      if (!task || task === 'voice-activity') vadStreams.clear();
    },
    stats() {
      return {
        sessions: [...loaded].map(([key, l]) => ({
          task: key.split(':')[0] as Task,
          backend: l.backend,
          model: l.model,
        })),
        deviceLosses,
        queues: Object.fromEntries([...queues].map(([k, q]) => [k, q.stats()])),
      };
    },
  };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function toAudio(input: unknown, task: string): Promise<Float32Array> {
  if (input instanceof Float32Array) {
    for (let i = 0; i < input.length; i += 997)
      if (!Number.isFinite(input[i]!))
        throw new InferenceInputError(task, `sample ${i} is not a finite number`);
    return input;
  }
  if (input instanceof Blob) {
    try {
      return wavTo16kMono(await input.arrayBuffer());
    } catch (err) {
      throw new InferenceInputError(task, `the Blob is not a usable WAV file: ${(err as Error).message}`);
    }
  }
  throw new InferenceInputError(task, 'expected 16 kHz mono audio as a Float32Array, or a WAV Blob');
}

export type { ImageInput };
