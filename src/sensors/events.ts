// The payloads sensors put on the bus, by topic. Raw camera and microphone events are labelled 'local'.
import type { AudioLevel } from './level-meter';
import type { ErrorData } from '../platform/error-data';

/** Why a sensor stopped delivering after it had started. */
export type StopReason =
  | 'stopped' // the app asked
  | 'track-ended' // the track ended mid-stream (stopped by the page or the browser)
  | 'permission-revoked'
  | 'device-unplugged'
  | 'replaced' // a camera switch or restart replaced the stream
  | 'session-ended'; // an XR session ended: the user left immersive mode, or the browser ended it

/** Why a sensor could not start or failed while running. */
export type ErrorReason =
  | 'permission-denied'
  | 'no-device'
  | 'device-busy'
  | 'overconstrained'
  | 'unsupported'
  | 'insecure-context'
  | 'audio-suspended'
  | 'capture-failed'
  | 'consumer-failed' // a frame/chunk consumer threw while handling
  | 'capture-stalled' // a live camera gave no frames for a while: capture was restarted (a warning)
  | 'unknown';

export interface SensorStopped {
  /** e.g. "camera.front", "microphone.main". */
  sensor: string;
  reason: StopReason;
  message: string;
}

export interface SensorError {
  sensor: string;
  reason: ErrorReason;
  message: string;
  error?: ErrorData;
}

/** A problem reported by a `sensor.error` that has gone: e.g. a stalled frame consumer answered again. */
export interface SensorRecovered {
  sensor: string;
  reason: ErrorReason;
  message: string;
}

export interface CameraFrameInfo {
  width: number;
  height: number;
  /** ms since epoch when the frame was captured. */
  ts: number;
  /** 0, 1, 2… per started stream. */
  seq: number;
  /** Frames dropped so far because a consumer was still busy (newest wins). */
  dropped: number;
  /** How the frames are captured: MediaStreamTrackProcessor or requestVideoFrameCallback. */
  capture: 'track-processor' | 'video-frame-callback';
}

export interface CameraStarted {
  sensor: string;
  deviceId: string;
  label: string;
  width: number;
  height: number;
  frameRate: number;
}

export interface AudioChunk {
  /** 16 kHz mono, `samples.length` = the chunk size (512 = 32 ms). */
  samples: Float32Array;
  sampleRate: number;
  /** Index of the chunk since the stream started. */
  seq: number;
  /** ms since epoch of the chunk's first sample. */
  ts: number;
}

export interface MicrophoneStarted {
  sensor: string;
  deviceId: string;
  label: string;
  /** The rate the device / AudioContext runs at, before resampling. */
  deviceRate: number;
  channels: number;
  echoCancellation: boolean | null;
  noiseSuppression: boolean | null;
  autoGainControl: boolean | null;
}

export type AudioLevelEvent = AudioLevel;

export interface NetworkState {
  online: boolean;
  /** navigator.connection where the browser has it. */
  effectiveType?: string;
  type?: string;
  downlinkMbps?: number;
  rttMs?: number;
  saveData?: boolean;
}

export interface VisibilityState {
  visible: boolean;
  state: DocumentVisibilityState;
}

export interface BatteryState {
  level: number;
  charging: boolean;
  chargingTimeS: number | null;
  dischargingTimeS: number | null;
}

export interface MemoryState {
  usedBytes: number;
  limitBytes: number;
  /** used / limit */
  ratio: number;
  pressure: 'nominal' | 'fair' | 'serious' | 'critical';
  deviceMemoryGb?: number;
}

export interface OrientationState {
  alpha: number | null;
  beta: number | null;
  gamma: number | null;
  absolute: boolean;
}

export interface MotionState {
  acceleration: { x: number | null; y: number | null; z: number | null } | null;
  accelerationIncludingGravity: { x: number | null; y: number | null; z: number | null } | null;
  rotationRate: { alpha: number | null; beta: number | null; gamma: number | null } | null;
  intervalMs: number;
}

export interface GeolocationState {
  latitude: number;
  longitude: number;
  accuracyM: number;
  altitude: number | null;
  heading: number | null;
  speed: number | null;
}

export interface TimerTick {
  name: string;
  /** 1, 2, 3… for an interval; 1 for a one-shot. */
  count: number;
  kind: 'interval' | 'once';
  /** When it was scheduled to fire (ms since epoch), to see drift against `ts`. */
  scheduledTs: number;
}

/** Static topics. Per-sensor topics are `camera.<id>.frame`, `audio.<id>.chunk`, `audio.<id>.level`, … */
export interface SensorEventMap {
  'sensor.stopped': SensorStopped;
  'sensor.error': SensorError;
  'sensor.started': CameraStarted | MicrophoneStarted;
  'device.network': NetworkState;
  'device.visibility': VisibilityState;
  'device.battery': BatteryState;
  'device.memory': MemoryState;
  'device.orientation': OrientationState;
  'device.motion': MotionState;
  'device.geolocation': GeolocationState;
  [topic: string]: unknown;
}
