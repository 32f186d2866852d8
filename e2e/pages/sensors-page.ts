// Test page for the sensors e2e specs: wires the real sensors to the real in-thread bus and exposes a small
// control surface on `window.__sensors` for Playwright. Events are recorded as they arrive on the bus
// (audio samples reduced to their RMS so the page does not hoard audio).
import { handBusTo, openBus, startHub } from '../../src/bus/open-bus';
import { policies } from '../../src/bus/policy';
import type { SentioEvent } from '../../src/events/event';
import { createCamera, type Camera, type CameraLink, type CameraOptions } from '../../src/sensors/camera';
import type { Endpoint } from '../../src/platform/messages';
import type { AudioChunk } from '../../src/sensors/events';
import { rmsOf } from '../../src/sensors/level-meter';
import { createMicrophone, type Microphone, type MicrophoneOptions } from '../../src/sensors/microphone';
import { createNetworkSensor } from '../../src/sensors/network';
import { createVisibilitySensor } from '../../src/sensors/visibility';
import type { FromProbeMessage, ProbedFrame, ToProbeMessage } from './probe-protocol';

export interface RecordedEvent {
  topic: string;
  ts: number;
  privacy: string;
  receivedAt: number;
  payload: unknown;
}

// The real bus: this page and the frame-probe worker are both connected to the hub.
const hub = startHub();
const bus = openBus({ name: 'e2e.sensors', hub });
const events: RecordedEvent[] = [];
bus.subscribe(
  '>',
  (e: SentioEvent) => {
    const payload =
      e.topic.endsWith('.chunk') && e.topic.startsWith('audio.')
        ? (() => {
            const c = e.payload as AudioChunk;
            return {
              seq: c.seq,
              ts: c.ts,
              length: c.samples.length,
              sampleRate: c.sampleRate,
              rms: rmsOf(c.samples),
            };
          })()
        : e.payload;
    events.push({ topic: e.topic, ts: e.ts, privacy: e.privacy, receivedAt: Date.now(), payload });
  },
  { policy: policies.dropOldest(100_000) },
);

let camera: Camera | null = null;
let microphone: Microphone | null = null;
let probes: Worker[] = [];
let links: CameraLink[] = [];
/** For each frame the camera transferred: was the page's handle detached right after postMessage? */
const detachedAfterSend: boolean[] = [];

/** Wraps a lane port to look at what the camera transferred, right after it was posted. */
function inspecting(port: MessagePort): Endpoint {
  return {
    postMessage(message, transfer) {
      port.postMessage(message, transfer ?? []);
      for (const t of transfer ?? []) {
        if (t instanceof VideoFrame) detachedAfterSend.push(t.format === null && t.codedWidth === 0);
        else if (t instanceof ImageBitmap) detachedAfterSend.push(t.width === 0 && t.height === 0);
      }
    },
    addEventListener: (type, fn) => port.addEventListener(type, fn),
    removeEventListener: (type, fn) => port.removeEventListener(type, fn),
    start: () => port.start(),
    close: () => port.close(),
  };
}

/**
 * A camera whose frames the test turns on and off: a canvas's capture stream gets a frame only when the
 * canvas is drawn, so stopping the drawing silences a live track, as a stuck capture pipeline does.
 */
function paintedCamera(): { media: MediaDevices; paint(on: boolean): void } {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 240;
  const g = canvas.getContext('2d')!;
  let n = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const draw = () => {
    g.fillStyle = `hsl(${(n++ * 7) % 360} 60% 50%)`;
    g.fillRect(0, 0, canvas.width, canvas.height);
  };
  const stream = canvas.captureStream();
  const media = {
    getUserMedia: async () => stream,
    enumerateDevices: async () => [],
  } as unknown as MediaDevices;
  return {
    media,
    paint(on) {
      if (timer !== null) clearInterval(timer);
      timer = on ? setInterval(draw, 66) : null;
      if (on) draw();
    },
  };
}
let painted: ReturnType<typeof paintedCamera> | null = null;

const api = {
  events: (prefix = '') => events.filter((e) => e.topic.startsWith(prefix)),
  clearEvents: () => void events.splice(0),
  /** Starts the camera with `consumers` frame-probe workers (default 1), each on its own frame lane. */
  async startCamera(
    options: Omit<CameraOptions, 'bus'> & {
      busyMs?: number;
      throwing?: boolean;
      consumers?: number;
      /** Frames from a canvas the test paints (see `paintCamera`) instead of the fake camera. */
      painted?: boolean;
      /** The probes start out said to be loading their model (CameraLink.loading). */
      loading?: boolean;
    },
  ) {
    camera?.stop();
    for (const p of probes) p.terminate();
    probes = [];
    links = [];
    painted?.paint(false);
    painted = options.painted ? paintedCamera() : null;
    painted?.paint(true);
    camera = createCamera({ ...options, bus, ...(painted ? { mediaDevices: painted.media } : {}) });
    for (let i = 0; i < (options.consumers ?? 1); i++) {
      const probe = new Worker(new URL('./frame-probe.worker.ts', import.meta.url), { type: 'module' });
      handBusTo(probe, hub, `e2e.frame-probe-${i}`);
      const channel = new MessageChannel();
      const link = camera.connect(inspecting(channel.port1));
      if (options.loading) link.loading(true);
      links.push(link);
      probe.postMessage(
        {
          type: 'probe.lane',
          port: channel.port2,
          busyMs: options.busyMs ?? 0,
          throwing: options.throwing ?? false,
        } satisfies ToProbeMessage,
        [channel.port2],
      );
      probes.push(probe);
    }
    return camera.start();
  },
  restartCamera: () => camera!.start(),
  /** Starts or stops drawing the painted camera's canvas: its track stays live either way. */
  paintCamera: (on: boolean) => painted?.paint(on),
  switchCamera: (deviceId: string) => camera!.switchTo(deviceId),
  listCameras: () => camera!.listDevices(),
  stopCamera: () => camera?.stop(),
  stopCameraTrack: () => camera?.track?.stop(),
  /** The consumer worker dies without a word, as a crashed worker does. */
  killProbe: () => probes[0]?.terminate(),
  /** Says the first probe is (no longer) loading its model. */
  probeLoading: (on: boolean) => links[0]?.loading(on),
  cameraStats: () => camera?.stats(),
  /** What decides whether the capture watchdog counts silence (video-frame-capture.ts check()). */
  cameraTrackState: () => ({
    readyState: camera?.track?.readyState ?? null,
    muted: camera?.track?.muted ?? null,
    hidden: document.hidden,
  }),
  detachedAfterSend: () => [...detachedAfterSend],
  probeFrames(
    which = 0,
  ): Promise<{ frames: ProbedFrame[]; closedReason: string | null; busFrameEvents: number }> {
    const w = probes[which]!;
    return new Promise((resolve) => {
      w.onmessage = (e: MessageEvent<FromProbeMessage>) => resolve(e.data);
      w.postMessage({ type: 'probe.report' } satisfies ToProbeMessage);
    });
  },
  async startMicrophone(options: Omit<MicrophoneOptions, 'bus'>) {
    microphone?.stop();
    microphone = createMicrophone({ ...options, bus });
    return microphone.start();
  },
  restartMicrophone: () => microphone!.start(),
  stopMicrophone: () => microphone?.stop(),
  stopMicrophoneTrack: () => microphone?.track?.stop(),
  microphoneStats: () => microphone?.stats(),
  startDeviceSignals() {
    createNetworkSensor({ bus });
    createVisibilitySensor({ bus });
  },
};

export type SensorsPageApi = typeof api;
declare global {
  interface Window {
    __sensors: SensorsPageApi;
  }
}
window.__sensors = api;
const status = document.getElementById('status')!;

// `?autostart=microphone` starts capture from the page's own script. Playwright's evaluate() runs with a user
// gesture, which would satisfy the autoplay policy and hide what this start path does without one.
if (new URLSearchParams(location.search).get('autostart') === 'microphone') {
  const render = () => {
    const errors = events
      .filter((e) => e.topic === 'sensor.error')
      .map((e) => (e.payload as { reason: string }).reason);
    const chunks = events.filter((e) => e.topic === 'audio.main.chunk').length;
    status.textContent = `microphone ${microphone?.stats().state}; errors: ${errors.join(',') || 'none'}; chunks: ${chunks}`;
  };
  setInterval(render, 100);
  void api.startMicrophone({ resumeTimeoutMs: 300 }).then(render);
} else {
  status.textContent = 'ready';
}
