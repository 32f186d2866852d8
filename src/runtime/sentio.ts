// The composition root: `createSentio` builds one runtime from the library's parts — the bus (hub in a
// SharedWorker), the inference worker (started on first use), the router with consent and audit, perception,
// the agent host — and `close()` takes down everything it started. The app, a third-party page and an npm
// project all create Sentio this way.
import * as Comlink from 'comlink';
import { createAgentRuntime } from '../agents/runtime';
import type { ResolvedAgent } from '../agents/define';
import type { Actuator } from '../agents/host';
import { builtRuntimeBase, openBus, type HubConnection } from '../bus/open-bus';
import { runtimeFiles } from '../platform/runtime-files';
import { CAPTURE_WORKLET_SCRIPT } from '../sensors/microphone';
import type { ConnectedBus } from '../bus/hub-client';
import { startInferenceWorker, type ClientInferOptions, type InferenceClient } from '../inference/client';
import type { InferResult } from '../inference/types';
import type { Task } from '../inference/manifest';
import { createUseLiteProvider } from '../agents/memory/use-lite-provider';
import type { EmbeddingProvider } from '../agents/memory/embedding-provider';
import type { PrivacyDefaults } from '../privacy/defaults';
import { declassifierFor } from '../privacy/labels';
import { openDatabase, type SentioDb } from '../storage/db';
import { StageMetrics } from '../telemetry/stage-metrics';
import { StageTracer } from '../telemetry/stage-tracer';
import { startAgents, type AgentsRuntime } from './agents';
import { SentioClosedError } from './errors';
import { checkAgents, checkOptions, privacyDefaultsOf } from './sentio-options';
import { startPerception, type PerceptionHandle, type PerceptionOptions } from './perception';
import { startRouting, type Routing, type RoutingView } from './routing';
import { resolveTask, type TaskName } from './tasks';
import { lazyPluginHost, type SentioPlugins, type SentioPluginsOptions } from './plugins';
import { createEgressGate, type EgressGate } from '../privacy/egress-gate';
import { createBridgeApi, type BridgeApi } from '../bridge/client';
import { createLocalGeneration, type GenerationOptions, type LocalGeneration } from './local-generation';

/** Options of {@link createSentio}; every one has a default. */
export interface SentioOptions {
  /**
   * URL of the runtime files, as `sentio assets` lays them out: workers in `<base>assets/`, WASM in
   * `<base>runtime/`, models in `<base>models/`. May be another origin (it must send CORS, see
   * docs/package.md). Default: the folder the library was loaded from; give it when a bundler moved the
   * library's code.
   */
  base?: string | URL;
  /** This runtime's name on the bus (the `source` of what it publishes). Default `"sentio"`. */
  name?: string;
  /** Name of the IndexedDB database (agents' state, consent, audit, settings). Default `"sentio"`. */
  database?: string;
  /**
   * The cloud endpoint the router may escalate to: an OpenAI-compatible base URL used as the development
   * endpoint, or null for none. Default: the build's `VITE_SENTIO_DEV_ENDPOINT`, if any. Further endpoints
   * are added through `router.apply`.
   */
  devEndpointUrl?: string | null;
  /** Traces capture → inference → agent → action; give your own to export spans. Default: metrics only. */
  tracer?: StageTracer;
  /** Agents to start at once (see {@link SentioAgents.start}). */
  agents?: StartAgentsOptions;
  /** An existing hub connection to join instead of starting one (the embed's cross-origin hub). */
  hub?: HubConnection;
  /** How long to wait for the bus hub's welcome. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Local text generation on the models the user brings (see {@link Sentio.generation}). */
  generation?: GenerationOptions;
  /**
   * The privacy defaults this runtime starts with (merged over {@link DEFAULT_PRIVACY}: unlabelled requests
   * private, PII masked). Settings the user saved (`router.apply`) win over them.
   */
  privacy?: Partial<PrivacyDefaults>;
  /** Which plugin signers this runtime trusts, and where their sandboxes go (see {@link Sentio.plugins}). */
  plugins?: SentioPluginsOptions;
}

/** Options of {@link SentioInfer}. */
export interface SentioInferOptions extends ClientInferOptions {
  /** Progress of the model files loading while this call runs (downloads, cache reads). */
  onProgress?: Parameters<InferenceClient['onProgress']>[0];
}

/** What {@link SentioInfer} answers for `text-embedding` (`feature-extraction`). */
export interface EmbeddingResult {
  task: 'text-embedding';
  model: string;
  /** The backend that ran the model. */
  backend: 'tfjs-cpu';
  /** One vector per input text. */
  output: Float32Array[];
}

/** Runs one model locally: a Sentio task name or a Hugging Face alias (see `TASK_ALIASES`). */
export type SentioInfer = (
  task: TaskName,
  input: unknown,
  options?: SentioInferOptions,
) => Promise<InferResult | EmbeddingResult>;

/** How to start agents: a module worker that calls {@link serveAgents}. */
export interface StartAgentsOptions {
  /**
   * The agent worker module: its URL (any origin; another one is started through a Blob bootstrap and needs
   * CORS), or a function that spawns it with the given name (what bundlers need to build it:
   * `(name) => new Worker(new URL('./agents.ts', import.meta.url), { type: 'module', name })`).
   */
  worker: string | URL | ((name: string) => Worker);
  /** Performers of `ctx.act(kind, …)` by kind; kinds without one are published on `agent.<id>.act.<kind>`. */
  actuators?: Record<string, Actuator>;
  /** Web Lock that makes the agents run in one tab per origin. Default `sentio.agents`. */
  lockName?: string;
  /**
   * Keeps the agents' database in this Storage Bucket (Chromium), e.g. one opened with a quota that caps what
   * agent state may take; a full bucket is a quota error at commit, retried until space is back.
   */
  storageBucket?: string;
}

/** `sentio.agents`: starts, stops and inspects the agents of this runtime. */
export interface SentioAgents {
  /** Starts the agent host on a worker serving agents; one host per runtime. */
  start(options: StartAgentsOptions): AgentsRuntime;
  /** The running host, or null. */
  readonly running: AgentsRuntime | null;
  /** The agents, their state and the worker's health; null unless they run in this tab. */
  inspect(): ReturnType<AgentsRuntime['inspect']>;
  /** Stops the host (the agents' state stays in IndexedDB). */
  stop(): Promise<void>;
}

/** `sentio.perception`: camera and microphone into `vision.*` / `audio.*` events on the bus. */
export interface SentioPerception {
  /** Starts the sensors given (both by default); call it inside a user gesture for the microphone. */
  start(options?: PerceptionStartOptions): PerceptionHandle;
}

/** Options of {@link SentioPerception.start}. */
export interface PerceptionStartOptions {
  /** Camera settings, or false for none. Default: on. */
  camera?: PerceptionOptions['camera'] | boolean;
  /** Microphone settings, or false for none. Default: on. */
  microphone?: PerceptionOptions['microphone'] | boolean;
  /** Which pipelines run. Default: face, pose and speech with transcription. */
  tasks?: { pose?: boolean; transcribe?: boolean };
  /** Least ms between frames given to face detection (latest wins in between). Default 100. */
  faceIntervalMs?: number;
  /** Least ms between frames given to pose. Default 500: pose costs ~10× face detection. */
  poseIntervalMs?: number;
  /**
   * Where the models run. `'one'` (default): everything in the inference worker (`inference()`). `'split'`:
   * transcription, and the slow vision models (expression, pose), each in an inference worker of their own
   * (started on first use, ended by `close()`), so faces and voice activity never wait behind a Whisper
   * segment or a pose. Measured in the app under load: expressions took 0.4–1.9 s a frame and pose 0.2–1.3 s;
   * on the face detector's worker they held every face result behind them, so "No face in view." trailed the
   * picture by 1–3 s, where the detector alone answers in 10–130 ms. Costs the memory of two more workers.
   */
  workers?: 'one' | 'split';
}

/** The runtime {@link createSentio} builds. */
export interface Sentio {
  /** This runtime's name (the `name` option): the `source` of the events it publishes. */
  readonly name: string;
  /** Where the runtime files are read from. */
  readonly base: URL;
  /** The bus: publish, subscribe, request, reply, stats. */
  readonly bus: ConnectedBus;
  /** Where the bus hub runs: one SharedWorker per origin, or the per-tab fallback where that is missing. */
  readonly hub: HubConnection['kind'];
  /** Local inference, with progress and the backend that ran. */
  readonly infer: SentioInfer;
  /** The inference worker's client (started on first use): stats, release, user models. */
  inference(): InferenceClient;
  /** Camera and microphone into events on the bus, with the models run in the inference worker. */
  readonly perception: SentioPerception;
  /** The agent host: start, inspect and stop agents. */
  readonly agents: SentioAgents;
  /**
   * Local text generation: add a model by URL + sha256 or from a file, list, remove. While one is loaded the
   * router answers `chat` on the device (decision `local`, or `hybrid` with cloud consent).
   */
  readonly generation: LocalGeneration;
  /** The routing stack: `infer` with decisions, endpoints, budget (`view()` is the live stack). */
  readonly router: Routing;
  /** Consent, the audit log and the declassifier agents use. */
  readonly privacy: Pick<Routing, 'consent' | 'audit'> & {
    declassify: ReturnType<typeof declassifierFor>;
  };
  /** The stage tracer (the `tracer` option, or one of its own): capture → inference → agent → action spans. */
  readonly telemetry: { readonly tracer: StageTracer };
  /** Signed plugins, each in its own sandbox (the host starts on first use). */
  readonly plugins: SentioPlugins;
  /**
   * The bus shared with the person's other devices over NATS (WebSocket): `connect({ servers, device, export,
   * import, … })` → a handle with state, stats, consent and close. Runs in its own worker (started on first use).
   */
  readonly bridge: BridgeApi;
  /** The IndexedDB database this runtime uses. */
  readonly db: SentioDb;
  /** Stops everything this runtime started (sensors, agents, workers, subscriptions); resolves when done. */
  close(): Promise<void>;
}

/**
 * Creates a Sentio runtime: joins (or starts) the bus hub, opens the database and starts the router. Models
 * and workers load on first use. Rejects with {@link SentioOptionsError} naming a bad option.
 */
export async function createSentio(options?: SentioOptions): Promise<Sentio> {
  const o = checkOptions(options);
  const name = o.name ?? 'sentio';
  // One map from runtime file to URL for every worker this runtime starts (src/platform/runtime-files.ts).
  const files = runtimeFiles(
    o.base !== undefined ? new URL(String(o.base), location.href) : undefined,
    builtRuntimeBase(),
  );
  const base = files.base;
  let closed = false;
  const alive = () => {
    if (closed) throw new SentioClosedError(`Sentio "${name}" is closed`);
  };

  const bus = openBus({ name, ...(o.hub ? { hub: o.hub } : { files }) });
  const timeoutMs = o.connectTimeoutMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      bus.connected,
      ...(bus.hubConnection.failed ? [bus.hubConnection.failed] : []),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the bus hub did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    bus.close();
    if (!o.hub) bus.hubConnection.terminate?.();
    throw err;
  } finally {
    clearTimeout(timer);
  }

  let client: InferenceClient | null = null;
  const inference = () => {
    alive();
    return (client ??= startInferenceWorker(files));
  };
  /** perception.start({ workers: 'split' })'s two more inference workers, started on first use. */
  let split: { transcriber: InferenceClient; slowVision: InferenceClient } | null = null;
  const splitWorkers = () =>
    (split ??= {
      transcriber: startInferenceWorker(files, 'sentio-transcriber'),
      slowVision: startInferenceWorker(files, 'sentio-slow-vision'),
    });
  let embedder: EmbeddingProvider | null = null;
  const db = openDatabase(o.database);
  const tracer = o.tracer ?? new StageTracer({ metrics: new StageMetrics() });
  // The gate is the router's consent and audit log: downloads are audited like every egress.
  let gate: EgressGate | null = null;
  const go = o.generation ?? {};
  const generation = createLocalGeneration({
    gate: () => (gate ??= createEgressGate({ consent: router.consent, audit: router.audit })),
    consent: () => router.consent,
    ...(go.threads !== undefined ? { threads: go.threads } : {}),
    ...(go.maxTokens !== undefined ? { chat: { maxTokens: go.maxTokens } } : {}),
  });
  const router = await startRouting({
    bus,
    db,
    inference,
    localChat: generation.chat,
    ...(o.privacy ? { privacyDefaults: privacyDefaultsOf(o.privacy) } : {}),
    ...(o.devEndpointUrl !== undefined ? { devEndpointUrl: o.devEndpointUrl ?? undefined } : {}),
  });
  const declassify = declassifierFor(router);

  const infer: SentioInfer = async (taskName, input, opts = {}) => {
    alive();
    const task = resolveTask(taskName);
    if (task === 'text-embedding') {
      const texts = typeof input === 'string' ? [input] : input;
      if (!Array.isArray(texts))
        throw new TypeError('feature-extraction takes a string or an array of strings');
      embedder ??= createUseLiteProvider({ baseUrl: new URL('models/use-lite-en/', base).href });
      const output = await embedder.embed(texts as string[]);
      return { task, model: embedder.id, backend: 'tfjs-cpu', output };
    }
    const { onProgress, ...rest } = opts;
    const c = inference();
    const off = onProgress ? c.onProgress(onProgress) : null;
    try {
      return await c.infer(task as Task, input, rest);
    } finally {
      off?.();
    }
  };

  const perceptions = new Set<PerceptionHandle>();
  const perception: SentioPerception = {
    start(so = {}) {
      alive();
      const sensor = <T>(v: T | boolean | undefined): T | false | undefined =>
        v === true || v === undefined ? undefined : v;
      const main = inference();
      const split = so.workers === 'split' ? splitWorkers() : null;
      const handle = startPerception({
        bus,
        hub: bus.hubConnection,
        inference: main,
        ...(split
          ? {
              inferFor: {
                'speech-recognition': split.transcriber,
                'facial-expression': split.slowVision,
                pose: split.slowVision,
              },
            }
          : {}),
        tracer,
        ...(sensor(so.camera) !== undefined ? { camera: sensor(so.camera)! } : {}),
        ...(so.microphone === false
          ? { microphone: false as const }
          : {
              microphone: {
                ...(typeof so.microphone === 'object' ? so.microphone : {}),
                workletUrl: files.script(CAPTURE_WORKLET_SCRIPT).href,
              },
            }),
        ...(so.tasks?.pose === false ? { poseIntervalMs: false as const } : {}),
        ...(so.tasks?.pose !== false && so.poseIntervalMs !== undefined
          ? { poseIntervalMs: so.poseIntervalMs }
          : {}),
        ...(so.faceIntervalMs !== undefined ? { faceIntervalMs: so.faceIntervalMs } : {}),
        ...(so.tasks?.transcribe !== undefined ? { transcribe: so.tasks.transcribe } : {}),
      });
      perceptions.add(handle);
      const stop = handle.stop.bind(handle);
      return Object.assign(handle, {
        stop() {
          perceptions.delete(handle);
          stop();
        },
      });
    },
  };

  let host: AgentsRuntime | null = null;
  const agents: SentioAgents = {
    start(ao) {
      alive();
      checkAgents(ao, 'agents.start');
      if (host) throw new Error('the agents already run in this Sentio; stop() them first');
      const w = ao.worker;
      // A URL on another origin (an asset host) starts through the same Blob bootstrap as Sentio's own.
      const spawnWorker =
        typeof w === 'function'
          ? w
          : (workerName: string) => files.worker(new URL(String(w), location.href), workerName).worker;
      host = startAgents({
        // The runtime's one database: without it every runtime's agents shared the default one.
        dbName: db.name,
        bus,
        spawnWorker,
        infer: router.infer,
        declassify,
        tracer,
        ...(ao.actuators ? { actuators: ao.actuators } : {}),
        ...(ao.lockName ? { lockName: ao.lockName } : {}),
        ...(ao.storageBucket !== undefined ? { storageBucket: ao.storageBucket } : {}),
      });
      return host;
    },
    get running() {
      return host;
    },
    inspect: async () => (host ? host.inspect() : null),
    async stop() {
      const h = host;
      host = null;
      await h?.stop();
    },
  };
  if (o.agents) agents.start(o.agents);
  // A model stored on an earlier visit: loaded in the background, so chat turns local once it is in.
  if (go.restore !== false)
    generation
      .restore()
      .catch((err: Error) => console.warn(`Sentio: the stored local model did not load: ${err.message}`));
  const plugins = lazyPluginHost(bus, db, o.plugins ?? {}, alive);
  const bridges = createBridgeApi(bus.hubConnection, files);
  const bridge: BridgeApi = {
    // async: a closed runtime or a bad option rejects, as every other Promise-returning member does.
    async connect(bo) {
      alive();
      return bridges.connect(bo);
    },
    close: () => bridges.close(),
  };

  return {
    name,
    base,
    bus,
    hub: bus.hubConnection.kind,
    infer,
    inference,
    generation,
    perception,
    agents,
    router,
    privacy: { consent: router.consent, audit: router.audit, declassify },
    telemetry: { tracer },
    plugins: plugins.plugins,
    bridge,
    db,
    async close() {
      if (closed) return;
      closed = true;
      for (const p of [...perceptions]) p.stop();
      plugins.close();
      await bridges.close();
      await agents.stop();
      const view: RoutingView = router.view();
      view.outbox?.stop();
      client?.close();
      client = null;
      split?.transcriber.close();
      split?.slowVision.close();
      split = null;
      generation.close();
      await bus.flush().catch(() => {});
      bus.close();
      if (!o.hub) bus.hubConnection.terminate?.();
      db.close();
    },
  };
}

/**
 * In an agent worker module: serves these agents to the page's agent host. The worker's name is its life
 * lock (the host names it), so call this at the top of the module.
 */
export function serveAgents(agents: readonly ResolvedAgent[]): void {
  Comlink.expose(createAgentRuntime(agents, { lifeLock: self.name }));
}
