// The Live panel: Start/Stop for the camera and microphone, the camera preview with face boxes and the pose
// skeleton drawn over it, the current expression, and the microphone's level, speech segments and transcript.
// It runs `sentio.perception.start` and shows what that perception's own sensors and pipelines publish (see
// runtime/perception.ts for why not everything on the bus). The running handle is `window.sentioApp.perception`.
import {
  type Sentio,
  type SentioEvent,
  type PerceptionEvents,
  probeCapabilities,
  type AudioLevel,
  initialPerceptionState,
  type PerceptionState,
  type PerceptionHandle,
  type PerceptionStartOptions,
} from '../../index';
import { el, section } from '../dom';
import type { SentioApp } from '../app-global';
import { createAudioView } from './audio-view';
import { createOverlay } from './overlay';
import { createStatusView, type SeenInEvents } from './status-view';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';

/** `event` narrowed to one of the perception topics. */
function is<T extends keyof PerceptionEvents>(
  event: SentioEvent,
  topic: T,
): event is SentioEvent<PerceptionEvents[T]> {
  return event.topic === topic;
}

/** Perception settings (rates, sensors, workers) the panel passes on. */
export type LivePanelOptions = PerceptionStartOptions & {
  scheduler?: RenderScheduler;
  /** Every perception state the panel draws (the first-run card shows the models' progress from it). */
  onState?: (s: PerceptionState) => void;
};

/** What the panel runs on: the app's Sentio, and where the handle goes. */
export interface LiveHost {
  sentio: Pick<Sentio, 'perception'>;
  /** Gets `perception`: the running (or last) handle. */
  app: Pick<SentioApp, 'perception'>;
}

export function createLivePanel(
  host: LiveHost,
  { scheduler, onState, ...options }: LivePanelOptions = {},
): HTMLElement {
  const button = el('button', {
    className: 'live-toggle',
    testId: 'start-sensors',
    text: 'Start camera and microphone',
    attrs: { type: 'button', 'aria-pressed': 'false' },
  });
  const video = el('video', { testId: 'live-video', attrs: { 'aria-label': 'Camera preview' } });
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  const canvas = el('canvas', {
    className: 'live-overlay',
    testId: 'live-overlay',
    attrs: { 'aria-hidden': 'true' },
  });
  const stage = el('div', { className: 'live-stage' }, video, canvas);
  const expression = el('p', {
    className: 'live-expression',
    testId: 'live-expression',
    text: 'No face yet.',
  });
  const status = createStatusView();
  status.render(initialPerceptionState(), { face: 'unknown', speech: 'quiet' });
  const audio = createAudioView();
  const overlay = createOverlay(video, canvas);
  const webgpu = probeCapabilities().then(
    (c) => c.webgpu,
    () => undefined,
  );

  let handle: PerceptionHandle | null = null;
  let unobserve: (() => void) | null = null;
  let gpu: Awaited<typeof webgpu>;
  void webgpu.then((g) => {
    gpu = g;
    if (handle) status.render(handle.state(), seen, gpu);
  });

  // What changes per event (the level, the expression, the state lines) is kept as the latest value and drawn
  // through the render scheduler: once per frame at most, only while the panel is on screen. The overlay
  // draws in its own animation frame from the latest detection (overlay.ts).
  let latest: { level?: AudioLevel; expression?: string; state?: PerceptionState; seen?: true } = {};
  /** What the events said about faces and speech, for the sensors' headlines. */
  let seen: SeenInEvents = { face: 'unknown', speech: 'quiet' };
  const see = (next: Partial<SeenInEvents>) => {
    seen = { ...seen, ...next };
    show({ seen: true });
  };
  const show = (next: typeof latest) => {
    latest = { ...latest, ...next };
    view.invalidate();
  };
  /** The first frame of the current run of frames without a face (Infinity while a face is in view). */
  let noFaceSince = Infinity;
  const onEvent = (e: SentioEvent, levelTopic: string) => {
    if (is(e, 'vision.face')) {
      noFaceSince = e.payload.faces.length === 0 ? Math.min(noFaceSince, e.payload.frame) : Infinity;
      overlay.faces(e.payload, e.ts);
      see({ face: e.payload.faces.length > 0 ? 'face' : 'none', faceBackend: e.payload.backend });
      if (e.payload.faces.length === 0) show({ expression: 'No face in view.' });
    } else if (is(e, 'vision.face.expression')) {
      // Expressions are read after the faces are found: one of a frame from before the face left is stale.
      if (noFaceSince !== Infinity && e.payload.frame < noFaceSince) return;
      const f = e.payload.faces[0];
      if (f) show({ expression: `${f.expression} (${Math.round(f.score * 100)}%)` });
    } else if (is(e, 'vision.pose')) overlay.poses(e.payload, e.ts);
    else if (is(e, 'audio.speech.start')) {
      audio.speechStart(e.payload, e.ts);
      see({ speech: 'speech' });
    } else if (is(e, 'audio.speech.end')) {
      audio.speechEnd(e.payload);
      see({ speech: options.tasks?.transcribe === false ? 'quiet' : 'transcribing' });
    } else if (is(e, 'audio.transcript')) {
      audio.transcript(e.payload);
      // A transcript that lands while the next segment is being spoken does not end that one.
      if (seen.speech === 'transcribing') see({ speech: 'quiet' });
    } else if (e.topic === levelTopic) show({ level: e.payload as AudioLevel });
  };

  const showPreview = (track: MediaStreamTrack | null) => {
    video.srcObject = track ? new MediaStream([track]) : null;
    if (track) void video.play().catch(() => {}); // autoplay (muted) normally covers it
  };

  const stop = () => {
    unobserve?.();
    unobserve = null;
    handle?.stop();
    if (handle) status.render(handle.state(), seen, gpu);
    showPreview(null);
    overlay.clear();
    button.textContent = 'Start camera and microphone';
    button.setAttribute('aria-pressed', 'false');
  };

  const start = () => {
    audio.reset();
    overlay.clear();
    latest = {};
    seen = { face: 'unknown', speech: 'quiet' };
    noFaceSince = Infinity;
    expression.textContent = 'No face yet.';
    // Synchronous up to the sensors' start: the microphone's AudioContext must be made inside this click.
    // Transcription and the slow vision models on workers of their own: faces never wait behind them.
    const h = host.sentio.perception.start({ workers: 'split', ...options });
    handle = h;
    host.app.perception = h;
    unobserve = h.observe((u) => {
      if (u.kind === 'state') {
        show({ state: u.state });
        onState?.(u.state); // not through the panel's render: the card may be on screen when the panel is not
        if (u.state.camera.status !== 'running') showPreview(null);
      } else onEvent(u.event, h.levelTopic);
    });
    status.render(h.state(), seen, gpu);
    void h.started.then(({ camera }) => {
      if (handle === h && camera) showPreview(h.cameraTrack);
    });
    button.textContent = 'Stop';
    button.setAttribute('aria-pressed', 'true');
  };

  button.addEventListener('click', () => (unobserve ? stop() : start()));

  const panel = section(
    'Live',
    'live',
    el('div', { className: 'toolbar' }, button),
    status.element,
    stage,
    el('div', { className: 'live-expression-row' }, el('span', { text: 'Expression: ' }), expression),
    audio.element,
  );
  const view = (scheduler ?? sharedRenderScheduler()).register(panel, () => {
    const { level, expression: said, state, seen: saw } = latest;
    latest = {};
    if (level) audio.level(level);
    if (said !== undefined) expression.textContent = said;
    if (state || saw) status.render(state ?? handle?.state() ?? initialPerceptionState(), seen, gpu);
  });
  return panel;
}
