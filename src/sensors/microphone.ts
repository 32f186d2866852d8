// Microphone sensor: getUserMedia audio (echo cancellation / noise suppression / gain control passed through)
// → AudioWorklet on the audio thread (mono mix, band-limited resampling to 16 kHz, fixed chunks) → the page,
// which publishes `audio.<id>.chunk` (privacy 'local') and a low-rate `audio.<id>.level`. Failures become
// `sensor.error` / `sensor.stopped` events; an AudioContext held back by the autoplay policy is reported and
// resumed on the next user gesture.
import builtWorkletUrl from '../../workers/audio-capture.worklet.ts?worker&url';

/** The capture worklet's script as the build named it (see src/platform/runtime-files.ts to move it). */
export const CAPTURE_WORKLET_SCRIPT: string = builtWorkletUrl;
import type { Bus } from '../bus/types';
import type { CaptureProcessorOptions, FromWorkletMessage, ToWorkletMessage } from './audio-capture-protocol';
import {
  type AudioChunk,
  type MicrophoneStarted,
  type SensorError,
  type SensorStopped,
  type StopReason,
} from './events';
import { createLevelMeter } from './level-meter';
import { explainMediaError } from './media-errors';
import { classifyTrackEnd } from './track-end';
import { toErrorData } from '../platform/error-data';

export interface MicrophoneOptions {
  bus: Bus;
  /** Topic token: `audio.<id>.chunk`, `audio.<id>.level`; the sensor is `microphone.<id>`. Default "main". */
  id?: string;
  deviceId?: string;
  echoCancellation?: boolean;
  noiseSuppression?: boolean;
  autoGainControl?: boolean;
  /** Samples per chunk at 16 kHz. Default 512 (32 ms). */
  chunkSize?: number;
  /** Level events per second. Default 10. */
  levelHz?: number;
  /** AudioContext rate; by default the device's. The worklet resamples whatever it is to 16 kHz. */
  contextRate?: number;
  /** Where a user gesture resumes a suspended AudioContext. Default `document`. */
  gestureTarget?: EventTarget;
  /** How long to wait for the AudioContext to run before reporting the autoplay policy. Default 500 ms. */
  resumeTimeoutMs?: number;
  mediaDevices?: MediaDevices;
  watchdogMs?: number;
  /** The capture worklet's URL. Default: where the build put it (CAPTURE_WORKLET_SCRIPT). */
  workletUrl?: string;
}

export type MicrophoneState = 'idle' | 'starting' | 'suspended' | 'running' | 'stopped' | 'failed';

export interface MicrophoneStats {
  state: MicrophoneState;
  chunks: number;
  deviceRate: number | null;
}

export interface Microphone {
  readonly sensor: string;
  /** Resolves true once capture is set up (possibly waiting for a gesture: see state), false on failure. */
  start(): Promise<boolean>;
  stop(): void;
  stats(): MicrophoneStats;
  readonly track: MediaStreamTrack | null;
}

export const OUTPUT_RATE = 16_000;
const ID = /^[A-Za-z0-9_-]+$/;
const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

export function createMicrophone(options: MicrophoneOptions): Microphone {
  const { bus } = options;
  const id = options.id ?? 'main';
  if (!ID.test(id)) throw new TypeError(`microphone id "${id}" must be one topic token ([A-Za-z0-9_-]+)`);
  const sensor = `microphone.${id}`;
  const chunkSize = options.chunkSize ?? 512;
  const levelHz = options.levelHz ?? 10;
  const media = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
  const gestureTarget = options.gestureTarget ?? globalThis.document;
  let deviceId = options.deviceId;

  let state: MicrophoneState = 'idle';
  let stream: MediaStream | null = null;
  let track: MediaStreamTrack | null = null;
  let ctx: AudioContext | null = null;
  let node: AudioWorkletNode | null = null;
  let source: MediaStreamAudioSourceNode | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  let unlistenGesture: (() => void) | null = null;
  let chunks = 0;
  let generation = 0;

  const error = (payload: SensorError) => bus.publish('sensor.error', payload, { qos: 'realtime' });
  const stopped = (reason: StopReason, message: string) =>
    bus.publish('sensor.stopped', { sensor, reason, message } satisfies SensorStopped, { qos: 'realtime' });

  function release(): void {
    generation++;
    if (watchdog !== null) clearInterval(watchdog);
    watchdog = null;
    unlistenGesture?.();
    unlistenGesture = null;
    if (node) {
      node.port.postMessage({ type: 'capture.stop' } satisfies ToWorkletMessage);
      node.port.onmessage = null;
      node.disconnect();
    }
    source?.disconnect();
    void ctx?.close().catch(() => {});
    for (const t of stream?.getTracks() ?? []) t.stop();
    node = null;
    source = null;
    ctx = null;
    stream = null;
    track = null;
  }

  function fail(reason: SensorError['reason'], message: string, e?: unknown): false {
    release();
    state = 'failed';
    error({ sensor, reason, message, ...(e === undefined ? {} : { error: toErrorData(e) }) });
    return false;
  }

  async function endedMidStream(gen: number): Promise<void> {
    if (gen !== generation || (state !== 'running' && state !== 'suspended')) return;
    const { reason, message } = await classifyTrackEnd('microphone', deviceId, media);
    if (gen !== generation) return;
    release();
    state = 'stopped';
    stopped(reason, message);
  }

  /** Context time → ms since epoch, from the context's own pairing of its clock with performance.now(). */
  function epochOfFrame(context: AudioContext, frame: number): number {
    const t = context.getOutputTimestamp();
    const ctxTime = t.contextTime ?? context.currentTime;
    const perf = t.performanceTime ?? performance.now();
    return performance.timeOrigin + perf + (frame / context.sampleRate - ctxTime) * 1000;
  }

  function waitForGesture(context: AudioContext, gen: number): void {
    const resume = () => {
      void context.resume().then(() => {
        if (gen !== generation || context.state !== 'running') return;
        unlistenGesture?.();
        unlistenGesture = null;
        state = 'running';
        announce(context);
      });
    };
    for (const g of GESTURES) gestureTarget?.addEventListener(g, resume);
    unlistenGesture = () => {
      for (const g of GESTURES) gestureTarget?.removeEventListener(g, resume);
    };
  }

  function announce(context: AudioContext): void {
    const settings = track?.getSettings() ?? {};
    const started: MicrophoneStarted = {
      sensor,
      deviceId: settings.deviceId ?? '',
      label: track?.label ?? '',
      deviceRate: context.sampleRate,
      channels: settings.channelCount ?? 0,
      echoCancellation: typeof settings.echoCancellation === 'boolean' ? settings.echoCancellation : null,
      noiseSuppression: settings.noiseSuppression ?? null,
      autoGainControl: settings.autoGainControl ?? null,
    };
    bus.publish('sensor.started', started, { qos: 'realtime' });
  }

  async function start(): Promise<boolean> {
    if (state === 'running' || state === 'starting' || state === 'suspended') return state !== 'starting';
    if (!media?.getUserMedia)
      return fail('unsupported', 'this browser has no microphone API (navigator.mediaDevices)');
    if (typeof AudioWorkletNode !== 'function')
      return fail('unsupported', 'this browser has no AudioWorklet');
    state = 'starting';
    const gen = ++generation;
    // Created before the first await: when start() runs in a click handler, the context is made inside the
    // gesture (Safari only lets a context start there; after `await getUserMedia` the gesture is gone).
    let context: AudioContext;
    try {
      context = options.contextRate
        ? new AudioContext({ sampleRate: options.contextRate })
        : new AudioContext();
    } catch (e) {
      return fail('unsupported', `an AudioContext could not be created: ${String(e)}`, e);
    }
    ctx = context;
    const audio: MediaTrackConstraints = {};
    if (deviceId) audio.deviceId = { exact: deviceId };
    if (options.echoCancellation !== undefined) audio.echoCancellation = options.echoCancellation;
    if (options.noiseSuppression !== undefined) audio.noiseSuppression = options.noiseSuppression;
    if (options.autoGainControl !== undefined) audio.autoGainControl = options.autoGainControl;
    let s: MediaStream;
    try {
      s = await media.getUserMedia({ audio, video: false });
    } catch (e) {
      if (gen !== generation) return false;
      const { reason, message } = explainMediaError('microphone', e);
      return fail(reason, message, e);
    }
    if (gen !== generation) {
      for (const t of s.getTracks()) t.stop();
      return false;
    }
    stream = s;
    const t = s.getAudioTracks()[0]!;
    track = t;
    deviceId = t.getSettings().deviceId ?? deviceId;
    try {
      await context.audioWorklet.addModule(options.workletUrl ?? builtWorkletUrl);
      if (gen !== generation) return false;
      const processorOptions: CaptureProcessorOptions = { outputRate: OUTPUT_RATE, chunkSize };
      const worklet = new AudioWorkletNode(context, 'sentio-capture', {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        processorOptions,
      });
      node = worklet;
      const level = createLevelMeter(Math.max(1, Math.round(OUTPUT_RATE / levelHz)));
      chunks = 0;
      worklet.port.onmessage = (e: MessageEvent<FromWorkletMessage>) => {
        const m = e.data;
        if (gen !== generation) return;
        switch (m.type) {
          case 'capture.chunk': {
            chunks++;
            const ts = epochOfFrame(context, m.firstFrame);
            const chunk: AudioChunk = { samples: m.samples, sampleRate: OUTPUT_RATE, seq: m.seq, ts };
            bus.publish(`audio.${id}.chunk`, chunk, { privacy: 'local', qos: 'realtime', ts });
            const reading = level.add(m.samples);
            if (reading) bus.publish(`audio.${id}.level`, reading, { privacy: 'local', qos: 'realtime', ts });
            return;
          }
          case 'capture.error':
            fail('capture-failed', `the audio capture worklet failed: ${m.error.message}`, m.error);
            return;
        }
      };
      source = context.createMediaStreamSource(s);
      source.connect(worklet);
    } catch (e) {
      if (gen !== generation) return false;
      return fail('capture-failed', `audio capture could not be set up: ${String(e)}`, e);
    }
    t.addEventListener('ended', () => void endedMidStream(gen));
    watchdog = setInterval(() => {
      if (t.readyState === 'ended') void endedMidStream(gen);
    }, options.watchdogMs ?? 250);

    if (context.state !== 'running') {
      const timeout = options.resumeTimeoutMs ?? 500;
      await Promise.race([context.resume(), new Promise((r) => setTimeout(r, timeout))]);
      if (gen !== generation) return false;
    }
    if (context.state !== 'running') {
      state = 'suspended';
      waitForGesture(context, gen);
      error({
        sensor,
        reason: 'audio-suspended',
        message:
          "the browser's autoplay policy is holding audio capture; it starts on the next click, tap or key press on the page",
      });
      return true;
    }
    state = 'running';
    announce(context);
    return true;
  }

  return {
    sensor,
    start,
    stop() {
      if (state === 'idle' || state === 'stopped' || state === 'failed') return;
      release();
      state = 'stopped';
      stopped('stopped', `${sensor} stopped by the app`);
    },
    stats: () => ({ state, chunks, deviceRate: ctx?.sampleRate ?? null }),
    get track() {
      return track;
    },
  };
}
