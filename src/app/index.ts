// The PWA's shell: creates the app's Sentio (the library's front door, exactly as a third-party page does) and
// lays out the dashboard on it — this device, bus stats, the event inspector, session record/replay and
// settings — in a grid that folds to one column on phones.
import { createSentio, fetchSameOrigin, probeCapabilities, type Capabilities, type Sentio } from '../index';
import type { SentioApp } from './app-global';
import { createDevicesPanel } from './devices/devices-panel';
import { registerServiceWorker } from './pwa/register';
import { showUpdateBanner } from './pwa/update-banner';
import { watchOfflineReadiness } from './pwa/offline-readiness';
import { describeWarmup, OFFLINE_LIST, parseOfflineList, warmOfflineCaches } from './pwa/offline-warmup';
import { buildId } from './build-info';
import { createSessionPanel } from './replay/session-panel';
import { createInspectorPanel } from './inspector/inspector-panel';
import { createStatsPanel } from './stats/stats-panel';
import { createSettingsPanel } from './settings/settings-panel';
import { mountAgents } from './demos/mount';
import { createLivePanel } from './live/live-panel';
import { createFirstRunCard } from './first-run';
import { createStatusBar, watchNetwork, watchUncaughtErrors } from './status-bar';
import { el, section } from './dom';
import { createRouterPanel } from './router/router-panel';
import { createXrPanel } from './xr/xr-panel';
import { sharedRenderScheduler } from './render-scheduler';
import { createAppTracer, startTelemetry } from './telemetry/app-telemetry';
import { replaySession, SessionRecorder } from './replay/session-replay';

function row(label: string, value: string, ok: boolean | null, testId: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  const td = document.createElement('td');
  td.textContent = value;
  td.dataset.testid = testId;
  td.className = ok === null ? 'info' : ok ? 'ok' : 'missing';
  tr.append(th, td);
  return tr;
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

export function renderCapabilities(caps: Capabilities): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'capabilities';
  const gpu = caps.webgpu.available
    ? `adapter ${caps.webgpu.vendor || 'unknown vendor'}${caps.webgpu.isFallbackAdapter ? ' (software fallback)' : ''}`
    : `none: ${caps.webgpu.reason}`;
  table.append(
    row('WebGPU', gpu, caps.webgpu.available, 'cap-webgpu'),
    row('Cross-origin isolated', yesNo(caps.crossOriginIsolated), caps.crossOriginIsolated, 'cap-isolated'),
    row('SharedWorker', yesNo(caps.sharedWorker), caps.sharedWorker, 'cap-sharedworker'),
    row('OPFS', yesNo(caps.opfs), caps.opfs, 'cap-opfs'),
    row(
      'Threads',
      `${caps.hardwareConcurrency} cores, WASM threads ${caps.wasmThreads ? 'on' : 'off'}`,
      caps.wasmThreads,
      'cap-threads',
    ),
    row('Camera / microphone API', yesNo(caps.mediaDevices), caps.mediaDevices, 'cap-media'),
  );
  return table;
}

export async function startApp(root: HTMLElement): Promise<void> {
  root.replaceChildren();
  const bar = createStatusBar();
  watchNetwork(bar);
  watchUncaughtErrors(bar);
  const header = el(
    'header',
    { className: 'app-header' },
    el('h1', { text: 'Sentio' }),
    el('p', { className: 'tagline', text: 'Sense → reason → act, on this device.' }),
  );
  const status = el('p', { testId: 'hub-status', text: 'Starting the bus hub…' });
  const offline = el('p', { testId: 'offline-status' });
  const capsSection = section('This device', 'device');
  const grid = el('div', { className: 'grid', testId: 'dashboard' }, capsSection);
  const footer = el('footer', { testId: 'app-version', text: `Sentio build ${buildId()}` });
  root.append(header, bar.element, status, offline, grid, footer);
  startServiceWorker(root, offline);

  const caps = await probeCapabilities();
  capsSection.append(renderCapabilities(caps));

  let sentio: Sentio;
  const traced = createAppTracer();
  try {
    // The app's bus source name is "app"; its tracer is the telemetry panel's (export joins it below).
    // The stored local text model is restored below, so a failure shows in the status bar, not the console.
    sentio = await createSentio({
      name: 'app',
      tracer: traced.tracer,
      connectTimeoutMs: 5000,
      generation: { restore: false },
    });
  } catch (err) {
    status.textContent = `Sentio: ${(err as Error).message}`;
    status.className = 'missing';
    bar.set('hub', `Sentio did not start: ${(err as Error).message}. Reload the page to try again.`, 'error');
    return;
  }
  const { bus, db, router } = sentio;
  const hello = await bus.connected;
  const where = sentio.hub === 'shared' ? '' : ', per-tab fallback: SharedWorker is missing';
  status.textContent = `Bus hub running (${hello.connections} connection${hello.connections === 1 ? '' : 's'}${where}).`;
  status.className = 'ok';
  // The generation worker starts only if a model was stored on an earlier visit.
  sentio.generation
    .restore()
    .catch((err: Error) =>
      bar.set('generation', `The stored local text model did not load: ${err.message}`, 'error'),
    );
  // Telemetry export answers to the router's consent and audit log, like every egress.
  const telemetry = startTelemetry({ db, traced, privacy: sentio.privacy });
  const recorder = new SessionRecorder(bus);
  const app: SentioApp = {
    recorder,
    replay: (jsonl, options) => replaySession(bus, jsonl, options),
    renders: () => sharedRenderScheduler().counts(),
    telemetry: telemetry.api,
  };
  window.sentio = sentio;
  window.sentioApp = app;
  // What a person came for first (the camera, the demos and their agents), then how it is decided and
  // how the machinery runs, then settings and this device's facts.
  // First visit: the welcome card beside the Live panel (after it, so on a phone the camera stays on top).
  const welcome = createFirstRunCard(safeLocalStorage());
  grid.replaceChildren(
    createLivePanel({ sentio, app }, welcome ? { onState: (s) => welcome.progress(s) } : {}),
  );
  if (welcome) grid.append(welcome.element);
  // `?agents-bucket=<name>`: the agents' database lives in that Storage Bucket, which whoever opened it gave
  // its quota — how e2e/chaos.spec.ts fills the agents' disk for a while. Unset, the origin's default storage.
  const agentsBucket = new URLSearchParams(location.search).get('agents-bucket');
  mountAgents(grid, sentio, agentsBucket ? { storageBucket: agentsBucket } : {});
  grid.append(
    createRouterPanel(bus, router),
    createStatsPanel(bus, { onHubStats: telemetry.onHubStats }),
    telemetry.panel,
    createInspectorPanel(bus),
    createSessionPanel(bus, recorder),
    createSettingsPanel(db, router, sentio.generation),
    createDevicesPanel(sentio.bridge, db),
    createXrPanel(bus),
    capsSection,
  );
}

/** localStorage, or null where the browser refuses it (storage blocked for this site). */
function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Only production builds have a service worker (vite-plugin-pwa emits it at build time). */
function startServiceWorker(root: HTMLElement, offline: HTMLElement): void {
  if (!import.meta.env.PROD) return;
  const sw = registerServiceWorker(`${import.meta.env.BASE_URL}sw.js`, {
    onUpdateReady: (activate) => showUpdateBanner(root, activate),
    onOfflineReady: () => watchOffline(offline),
    onError: (err) => {
      offline.textContent = `Offline use is unavailable: ${err.message}`;
      offline.className = 'missing';
    },
  });
  if (sw.status === 'unsupported') offline.textContent = `Offline use is unavailable: ${sw.reason}.`;
  // A later visit: the shell was precached on an earlier one (a worker controls this page).
  else if (navigator.serviceWorker.controller) watchOffline(offline);
}

let offlineWatched = false;
/** The offline line, read from the caches (see pwa/offline-readiness.ts), and the first visit's saving. */
function watchOffline(offline: HTMLElement): void {
  if (offlineWatched) return;
  offlineWatched = true;
  const base = import.meta.env.BASE_URL;
  // Looked up as the service worker does (src/app/pwa/service-worker.ts: IMMUTABLE).
  const has = async (path: string) => (await caches.match(path, { ignoreVary: true })) !== undefined;
  let saving = saveOfflineWanted();
  let saved: string[] = [];
  let readiness: { text: string; ok: boolean } | undefined;
  const showReadiness = () => {
    if (!readiness) return;
    offline.textContent = readiness.text;
    offline.className = readiness.ok ? 'ok' : 'info';
  };
  watchOfflineReadiness(
    perceptionState,
    has,
    (line) => {
      readiness = line;
      if (!saving) showReadiness(); // the saving progress holds the line until it is done
    },
    base,
    3000,
    () => saved,
  );
  if (!saving) return;
  void saveForOffline(base, has, (text) => {
    offline.textContent = text;
    offline.className = 'info';
  }).then(
    (paths) => {
      saved = paths;
      saving = false;
      showReadiness(); // the watcher says it again only when it changes (it re-checks with `saved` soon)
    },
    (err: unknown) => {
      saving = false;
      offline.textContent = `Could not save the models for offline use: ${(err as Error)?.message ?? err}`;
      offline.className = 'missing';
    },
  );
}

const perceptionState = () => window.sentioApp?.perception?.state();

/**
 * Saving waits while the live perception loads models (for at most two minutes: a load that failed stays
 * unfinished), and leaves a model file the perception has asked for to it: its model store caches that
 * itself, and one download of a file at a time is enough (the model's other files are saved here).
 */
async function leaveToPerception(path: string): Promise<boolean> {
  const loading = () =>
    Object.values(perceptionState()?.models ?? {}).some((m) => Object.values(m.files).some((f) => !f.done));
  const until = Date.now() + 120_000;
  while (loading() && Date.now() < until) await new Promise((r) => setTimeout(r, 2000));
  const [, model, file] = /^models\/([^/]+)\/(.+)$/.exec(path) ?? [];
  return model !== undefined && file !== undefined && !!perceptionState()?.models[model]?.files[file];
}

/**
 * `localStorage['sentio.offline.save']` = "on" | "off" overrides the default: on, except in the test build,
 * where hundreds of fresh browser profiles would each save 160 MB (the specs that check it turn it on).
 */
function saveOfflineWanted(): boolean {
  const o = localStorage.getItem('sentio.offline.save');
  return o === 'on' || (o !== 'off' && import.meta.env.MODE !== 'e2e');
}

/**
 * Once a service worker controls this page (on the first visit, as soon as it claims it), fetches through it
 * every model and runtime file not cached yet. Resolves with their URL paths (what offline use needs).
 */
async function saveForOffline(
  base: string,
  has: (path: string) => Promise<boolean>,
  show: (text: string) => void,
): Promise<string[]> {
  if (!navigator.serviceWorker.controller)
    await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  const res = await fetchSameOrigin(`${base}${OFFLINE_LIST}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${OFFLINE_LIST} answered ${res.status}`);
  const files = parseOfflineList(await res.json());
  const { failed } = await warmOfflineCaches(
    files,
    {
      has,
      fetchFile: async (path) => {
        const r = await fetchSameOrigin(path);
        if (!r.ok) throw new Error(`answered ${r.status}`);
        await r.blob(); // read to the end: the worker stores the file as it streams through
      },
      onProgress: (p) => show(describeWarmup(p)),
      before: (path) => leaveToPerception(path.slice(base.length)),
    },
    base,
  );
  for (const f of failed) console.warn(`not saved for offline use: ${f.path} (${f.reason})`);
  return files.map((f) => `${base}${f.path}`);
}
