// Camera sensor: opens a camera with the requested device, size and rate, captures frames (with
// MediaStreamTrackProcessor where the page has it, else requestVideoFrameCallback on a detached <video>),
// optionally downscales them, hands them to consumer workers over frame lanes (transfer, newest wins) and
// publishes a small `camera.<id>.frame` metadata event per frame. Failures become `sensor.error` /
// `sensor.stopped` events with a reason; nothing here throws at the app.
import type { Bus } from '../bus/types';
import type { StageTracer } from '../telemetry/stage-tracer';
import type { Endpoint } from '../platform/messages';
import {
  type CameraFrameInfo,
  type CameraStarted,
  type SensorError,
  type SensorRecovered,
  type SensorStopped,
  type StopReason,
} from './events';
import {
  createFrameSender,
  type FrameSender,
  type FrameSenderOptions,
  type FrameSenderStats,
} from './frame-lane';
import { createFrameClock, type FrameClock } from './frame-clock';
import { explainMediaError } from './media-errors';
import { classifyTrackEnd } from './track-end';
import { toErrorData } from '../platform/error-data';
import { captureWithVideoFrameCallback, type VideoFrameCaptureOptions } from './video-frame-capture';

export type CameraFrame = VideoFrame | ImageBitmap;
export type CaptureMethod = 'track-processor' | 'video-frame-callback';

export interface CameraOptions {
  bus: Bus;
  /** Topic token: events go to `camera.<id>.frame`; the sensor is named `camera.<id>`. Default "front". */
  id?: string;
  deviceId?: string;
  facingMode?: 'user' | 'environment';
  width?: number;
  height?: number;
  frameRate?: number;
  /** Scale frames at capture (to an ImageBitmap of this size) so consumers never see the full frame. */
  downscale?: { width: number; height: number };
  /** Force a capture method; by default the track processor where it exists. */
  capture?: CaptureMethod;
  /** The requestVideoFrameCallback path's stall watchdog (see video-frame-capture.ts); defaults suit cameras. */
  videoFrameCallback?: Pick<VideoFrameCaptureOptions, 'stallMs' | 'firstFrameMs' | 'maxRestarts' | 'checkMs'>;
  /** Injected for tests and other hosts; default `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
  /** How often the track's state is checked: `track.stop()` from the page does not fire `ended`. Default 250 ms. */
  watchdogMs?: number;
  /**
   * A consumer that returns no credit for this long is reported (`consumer-failed`) and its waiting frame is
   * released, so a crashed or hung worker does not hold camera buffers. Default 3000 ms.
   */
  consumerTimeoutMs?: number;
  /**
   * The same for a consumer said to be loading its model (`CameraLink.loading`). A first model call can hold
   * the consumer's thread for seconds (a synchronous WASM compile or graph build) so that it cannot even hand
   * a credit back late; that is warm-up, not a hang. Default 60 000 ms.
   */
  loadingTimeoutMs?: number;
  /**
   * Traces each frame: its capture (from the capture instant to handed to consumers and the bus) starts a
   * trace whose context rides on the lane's frame meta and on the `camera.<id>.frame` event.
   */
  tracer?: StageTracer;
}

export type CameraState = 'idle' | 'starting' | 'running' | 'stopped' | 'failed';

export interface CameraStats {
  state: CameraState;
  seq: number;
  capture: CaptureMethod | null;
  consumers: FrameSenderStats[];
  /** Main-thread time spent on frames since start (read → handed to consumers and the bus), in ms. */
  mainThreadMs: number;
}

/** A consumer's connection to the camera (`Camera.connect`). */
export interface CameraLink {
  /** Stops sending to it; its waiting frame is released. */
  disconnect(): void;
  /**
   * Says the consumer is (or is no longer) loading a model: while it is, the camera waits `loadingTimeoutMs`
   * instead of `consumerTimeoutMs` before it takes the consumer's silence for a crash or a hang.
   */
  loading(on: boolean): void;
}

export interface Camera {
  readonly sensor: string;
  /** Resolves true once frames flow, false if it could not start (a `sensor.error` says why). */
  start(): Promise<boolean>;
  stop(): void;
  /** Restarts on another camera (by deviceId); consumers stay connected. */
  switchTo(deviceId: string): Promise<boolean>;
  /** Adds a consumer: frames are transferred over `port` (one end of a MessageChannel given to a worker). */
  connect(port: Endpoint, options?: Pick<FrameSenderOptions<CameraFrame>, 'credits' | 'waiting'>): CameraLink;
  listDevices(): Promise<MediaDeviceInfo[]>;
  stats(): CameraStats;
  readonly track: MediaStreamTrack | null;
}

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}

const ID = /^[A-Za-z0-9_-]+$/;

export function createCamera(options: CameraOptions): Camera {
  const { bus } = options;
  const id = options.id ?? 'front';
  if (!ID.test(id)) throw new TypeError(`camera id "${id}" must be one topic token ([A-Za-z0-9_-]+)`);
  const sensor = `camera.${id}`;
  const media = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
  const watchdogMs = options.watchdogMs ?? 250;
  let deviceId = options.deviceId;

  let state: CameraState = 'idle';
  let stream: MediaStream | null = null;
  let track: MediaStreamTrack | null = null;
  let capture: CaptureMethod | null = null;
  let seq = 0;
  let mainThreadMs = 0;
  let generation = 0; // bumps on every start/stop so a stale capture loop stops by itself
  let stopCapture: (() => void) | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  const consumers = new Set<FrameSender<CameraFrame>>();
  const consumerTimeoutMs = options.consumerTimeoutMs ?? 3000;
  const loadingTimeoutMs = options.loadingTimeoutMs ?? 60_000;
  /** Consumers already reported as stalled, until they return a credit. */
  const stalled = new WeakSet<FrameSender<CameraFrame>>();
  /** Consumers loading a model (CameraLink.loading). */
  const loading = new WeakSet<FrameSender<CameraFrame>>();

  function checkConsumers(): void {
    for (const c of consumers) {
      const { stalledForMs, pending } = c.stats();
      if (stalledForMs === 0 && stalled.delete(c)) {
        // Said, so that the warning does not stay up after the consumer answered (a model that took
        // longer than the timeout to load, on a busy machine).
        const ok: SensorRecovered = {
          sensor,
          reason: 'consumer-failed',
          message: 'the frame consumer answers again',
        };
        bus.publish('sensor.recovered', ok, { qos: 'realtime' });
      }
      const warming = loading.has(c);
      if (stalledForMs < (warming ? loadingTimeoutMs : consumerTimeoutMs)) continue;
      if (pending) c.dropPending();
      if (stalled.has(c)) continue;
      stalled.add(c);
      error({
        sensor,
        reason: 'consumer-failed',
        message: `a frame consumer has returned no frame for ${Math.round(stalledForMs)} ms${warming ? ' while loading its model' : ''} (crashed or hung); frames for it are dropped until it answers`,
      });
    }
  }

  const error = (payload: SensorError) => bus.publish('sensor.error', payload, { qos: 'realtime' });
  const stopped = (reason: StopReason, message: string) =>
    bus.publish('sensor.stopped', { sensor, reason, message } satisfies SensorStopped, { qos: 'realtime' });

  function release(): void {
    generation++;
    stopCapture?.();
    stopCapture = null;
    if (watchdog !== null) clearInterval(watchdog);
    watchdog = null;
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    track = null;
  }

  async function endedMidStream(gen: number): Promise<void> {
    if (gen !== generation || state !== 'running') return;
    const { reason, message } = await classifyTrackEnd('camera', deviceId, media);
    if (gen !== generation) return;
    release();
    state = 'stopped';
    stopped(reason, message);
  }

  /** One handle per consumer: VideoFrame clones share the pixels; ImageBitmaps (downscaled) are copied. */
  async function handlesFor(frame: CameraFrame, n: number): Promise<CameraFrame[]> {
    if (n <= 1) return [frame];
    const extra = await Promise.all(
      Array.from({ length: n - 1 }, () =>
        frame instanceof ImageBitmap ? createImageBitmap(frame) : frame.clone(),
      ),
    );
    return [...extra, frame];
  }

  async function deliver(frame: CameraFrame, ts: number, gen: number): Promise<void> {
    const width = 'displayWidth' in frame ? frame.displayWidth : frame.width;
    const height = 'displayHeight' in frame ? frame.displayHeight : frame.height;
    const senders = [...consumers];
    const handles = senders.length ? await handlesFor(frame, senders.length) : [];
    if (senders.length === 0) frame.close();
    if (gen !== generation) {
      // Stopped while the copies were made: nobody should get frames from a stopped camera.
      for (const h of handles) h.close();
      return;
    }
    const n = seq++;
    const captured = options.tracer?.begin('capture', sensor, undefined, { startTime: ts });
    const trace = captured ? { trace: captured.trace } : {};
    senders.forEach((s, i) => {
      // Disconnected while the copies were made.
      if (!consumers.has(s)) return handles[i]!.close();
      s.offer(handles[i]!, { seq: n, ts, width, height, ...trace });
      // A consumer already reported as dead gets nothing held for it: the frame is counted and let go.
      if (stalled.has(s)) s.dropPending();
    });
    const info: CameraFrameInfo = { width, height, ts, seq: n, dropped: totalDropped(), capture: capture! };
    bus.publish(`${sensor}.frame`, info, { privacy: 'local', qos: 'realtime', ts, ...trace });
    captured?.end();
  }

  const totalDropped = () => {
    let d = 0;
    for (const c of consumers) d += c.stats().dropped;
    return d;
  };

  async function scaled(frame: VideoFrame): Promise<CameraFrame> {
    const size = options.downscale;
    if (!size) return frame;
    try {
      return await createImageBitmap(frame, {
        resizeWidth: size.width,
        resizeHeight: size.height,
        resizeQuality: 'low',
      });
    } finally {
      frame.close();
    }
  }

  function captureWithTrackProcessor(t: MediaStreamTrack, gen: number): () => void {
    const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor })
      .MediaStreamTrackProcessor!;
    const reader = new Processor({ track: t }).readable.getReader();
    const clock: FrameClock = createFrameClock();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done || gen !== generation) {
            value?.close();
            if (done) void endedMidStream(gen);
            return;
          }
          const t0 = performance.now();
          const ts = clock.epochMs(value.timestamp, t0);
          await deliver(await scaled(value), ts, gen);
          mainThreadMs += performance.now() - t0;
        }
      } catch (e) {
        if (gen === generation) captureFailed(e);
      }
    })();
    return () => void reader.cancel().catch(() => {});
  }

  function captureFromVideo(s: MediaStream, gen: number): () => void {
    return captureWithVideoFrameCallback(s, {
      ...options.videoFrameCallback,
      onFrame(frame, ts) {
        if (gen !== generation) return frame.close();
        const t0 = performance.now();
        void scaled(frame)
          .then((f) => deliver(f, ts, gen))
          .then(() => (mainThreadMs += performance.now() - t0), captureFailed);
      },
      onFailed: (e) => gen === generation && captureFailed(e),
      onStalled(silentMs, attempt, max) {
        if (gen !== generation) return;
        error({
          sensor,
          reason: 'capture-stalled',
          message: `no camera frame for ${silentMs} ms although the camera is live; capture restarted (${attempt} of ${max})`,
        });
      },
      onRecovered() {
        if (gen !== generation) return;
        const ok: SensorRecovered = {
          sensor,
          reason: 'capture-stalled',
          message: 'camera frames flow again',
        };
        bus.publish('sensor.recovered', ok, { qos: 'realtime' });
      },
    });
  }

  function captureFailed(e: unknown): void {
    release();
    state = 'failed';
    error({
      sensor,
      reason: 'capture-failed',
      message: `camera frames could not be read: ${String(e)}`,
      error: toErrorData(e),
    });
  }

  async function start(): Promise<boolean> {
    if (state === 'running' || state === 'starting') return state === 'running';
    if (!media?.getUserMedia) {
      state = 'failed';
      error({
        sensor,
        reason: 'unsupported',
        message: 'this browser has no camera API (navigator.mediaDevices)',
      });
      return false;
    }
    state = 'starting';
    const gen = ++generation;
    const video: MediaTrackConstraints = {};
    if (deviceId) video.deviceId = { exact: deviceId };
    if (options.facingMode) video.facingMode = options.facingMode;
    if (options.width) video.width = { ideal: options.width };
    if (options.height) video.height = { ideal: options.height };
    if (options.frameRate) video.frameRate = { ideal: options.frameRate, max: options.frameRate };
    let s: MediaStream;
    try {
      s = await media.getUserMedia({ video, audio: false });
    } catch (e) {
      if (gen !== generation) return false;
      state = 'failed';
      const { reason, message } = explainMediaError('camera', e);
      error({ sensor, reason, message, error: toErrorData(e) });
      return false;
    }
    if (gen !== generation) {
      for (const t of s.getTracks()) t.stop();
      return false;
    }
    stream = s;
    const t = s.getVideoTracks()[0]!;
    track = t;
    const settings = t.getSettings();
    deviceId = settings.deviceId ?? deviceId;
    seq = 0;
    mainThreadMs = 0;
    const hasProcessor =
      typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function';
    capture = options.capture ?? (hasProcessor ? 'track-processor' : 'video-frame-callback');
    stopCapture =
      capture === 'track-processor' ? captureWithTrackProcessor(t, gen) : captureFromVideo(s, gen);
    t.addEventListener('ended', () => void endedMidStream(gen));
    watchdog = setInterval(() => {
      if (t.readyState === 'ended') void endedMidStream(gen);
      else checkConsumers();
    }, watchdogMs);
    state = 'running';
    const started: CameraStarted = {
      sensor,
      deviceId: settings.deviceId ?? '',
      label: t.label,
      width: settings.width ?? 0,
      height: settings.height ?? 0,
      frameRate: settings.frameRate ?? 0,
    };
    bus.publish('sensor.started', started, { qos: 'realtime' });
    return true;
  }

  return {
    sensor,
    start,
    stop() {
      if (state !== 'running' && state !== 'starting') return;
      release();
      state = 'stopped';
      stopped('stopped', `${sensor} stopped by the app`);
    },
    async switchTo(next) {
      const wasRunning = state === 'running' || state === 'starting';
      if (wasRunning) {
        release();
        stopped('replaced', `${sensor} switching to another camera`);
      }
      deviceId = next;
      state = 'idle';
      return start();
    },
    connect(port, opts) {
      const sender = createFrameSender<CameraFrame>(port, {
        credits: opts?.credits ?? 1,
        ...(opts?.waiting ? { waiting: opts.waiting } : {}),
        // Reported once per consumer: a broken model would otherwise put 15 errors a second on the bus.
        // Later failures are counted in stats().consumers[i].consumerErrors.
        onConsumerError: (e) => {
          if (sender.stats().consumerErrors > 1) return;
          error({
            sensor,
            reason: 'consumer-failed',
            message: `a frame consumer failed (further failures are counted, not reported): ${e.message}`,
            error: e,
          });
        },
      });
      consumers.add(sender);
      return {
        disconnect() {
          consumers.delete(sender);
          sender.close('consumer disconnected');
        },
        loading(on) {
          if (on) loading.add(sender);
          else loading.delete(sender);
        },
      };
    },
    async listDevices() {
      const all = (await media?.enumerateDevices()) ?? [];
      return all.filter((d) => d.kind === 'videoinput');
    },
    stats: () => ({ state, seq, capture, consumers: [...consumers].map((c) => c.stats()), mainThreadMs }),
    get track() {
      return track;
    },
  };
}
