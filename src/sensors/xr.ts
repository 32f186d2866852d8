// The WebXR session hook: where `navigator.xr` offers immersive VR or AR, a session started from a user
// gesture feeds the bus — the viewer pose (`xr.pose`, rate-limited), controllers' and hands' select/squeeze
// events and poses, hands summarised (`xr.input.<handedness>.*`) — and its end becomes `sensor.stopped`.
// The browser's XR objects are taken by shape (the DOM lib we compile against has no WebXR types), which
// is also what lets the adapter be driven by a scripted session in Node.
import type { Bus } from '../bus/types';
import type { SensorStopped } from './events';
import type {
  XrButtonAction,
  XrHandedness,
  XrHandSummary,
  XrInputAction,
  XrInputChange,
  XrInputKind,
  XrInputPose,
  XrMode,
  XrPinch,
  XrPoseData,
  XrStarted,
  XrVec3,
  XrViewerPose,
} from './xr-events';

/** An XRSpace: opaque, only handed back to the frame. */
export type XrSpaceLike = object;

export interface XrPoseLike {
  transform: { position: XrVec3; orientation: { x: number; y: number; z: number; w: number } };
  emulatedPosition?: boolean;
}

/** XRHand: a map from joint name to joint space. */
export interface XrHandLike extends Iterable<[string, XrSpaceLike]> {
  get(joint: string): XrSpaceLike | undefined;
}

export interface XrInputSourceLike {
  handedness: XrHandedness;
  targetRayMode: string;
  profiles: readonly string[];
  targetRaySpace: XrSpaceLike;
  gripSpace?: XrSpaceLike | null;
  hand?: XrHandLike | null;
}

export interface XrFrameLike {
  getViewerPose(space: XrSpaceLike): XrPoseLike | null | undefined;
  getPose(space: XrSpaceLike, base: XrSpaceLike): XrPoseLike | null | undefined;
  getJointPose?(joint: XrSpaceLike, base: XrSpaceLike): XrPoseLike | null | undefined;
}

export interface XrSessionLike {
  readonly inputSources: Iterable<XrInputSourceLike>;
  requestAnimationFrame(callback: (time: number, frame: XrFrameLike) => void): number;
  cancelAnimationFrame(handle: number): void;
  end(): Promise<void>;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export interface XrSystemLike {
  isSessionSupported(mode: XrMode): Promise<boolean>;
  requestSession(mode: XrMode, init?: { optionalFeatures?: string[] }): Promise<unknown>;
}

export const XR_MODES: readonly XrMode[] = ['immersive-vr', 'immersive-ar'];

export interface XrSupport {
  modes: XrMode[];
  /** Why no immersive session can start here; null when one can. */
  reason: string | null;
}

/** Which immersive modes this browser and device offer, and if none, why. */
export async function probeXr(xr: XrSystemLike | undefined, secureContext: boolean): Promise<XrSupport> {
  if (!secureContext) return { modes: [], reason: 'WebXR needs a secure context (https or localhost)' };
  if (!xr) return { modes: [], reason: 'this browser has no WebXR (navigator.xr is missing)' };
  try {
    const supported = await Promise.all(XR_MODES.map((m) => xr.isSessionSupported(m)));
    const modes = XR_MODES.filter((_, i) => supported[i]);
    return modes.length
      ? { modes, reason: null }
      : {
          modes,
          reason:
            'no immersive VR or AR device: the browser supports neither immersive-vr nor immersive-ar here',
        };
  } catch (err) {
    return { modes: [], reason: `the WebXR support check failed: ${(err as Error).message}` };
  }
}

/** The joints a hand summary reads (WebXR Hand Input joint names). */
const FINGERTIPS = [
  'thumb-tip',
  'index-finger-tip',
  'middle-finger-tip',
  'ring-finger-tip',
  'pinky-finger-tip',
];
/** A pinch starts below this thumb–index distance and ends above the second: hysteresis against flicker. */
export const PINCH_START_MM = 20;
export const PINCH_END_MM = 35;

const mm = (a: XrVec3, b: XrVec3) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z) * 1000;

function poseData(p: XrPoseLike): XrPoseData {
  const { position: t, orientation: o } = p.transform;
  return { position: { x: t.x, y: t.y, z: t.z }, orientation: { x: o.x, y: o.y, z: o.z, w: o.w } };
}

function kindOf(source: XrInputSourceLike): XrInputKind {
  if (source.hand) return 'hand';
  if (source.targetRayMode === 'gaze') return 'gaze';
  if (source.targetRayMode === 'screen' || source.targetRayMode === 'transient-pointer') return 'screen';
  return 'controller';
}

/** Summarises a tracked hand from its joint poses; `wasPinching` gives the hysteresis its memory. */
export function summariseHand(
  source: XrInputSourceLike,
  frame: XrFrameLike,
  base: XrSpaceLike,
  frameTime: number,
  wasPinching: boolean,
): XrHandSummary {
  const positions = new Map<string, XrVec3>();
  let trackedJoints = 0;
  for (const [name, space] of source.hand ?? []) {
    const pose = frame.getJointPose?.(space, base);
    if (!pose) continue;
    trackedJoints++;
    positions.set(name, pose.transform.position);
  }
  const wrist = positions.get('wrist') ?? null;
  const thumb = positions.get('thumb-tip');
  const index = positions.get('index-finger-tip');
  const pinchMm = thumb && index ? mm(thumb, index) : null;
  const tips = FINGERTIPS.flatMap((n) => positions.get(n) ?? []);
  const spreadMm = wrist && tips.length ? tips.reduce((a, t) => a + mm(t, wrist), 0) / tips.length : null;
  const pinching = pinchMm === null ? false : wasPinching ? pinchMm < PINCH_END_MM : pinchMm < PINCH_START_MM;
  return {
    handedness: source.handedness,
    trackedJoints,
    wrist: wrist ? { x: wrist.x, y: wrist.y, z: wrist.z } : null,
    pinchMm,
    pinching,
    spreadMm,
    frameTime,
  };
}

export interface XrSessionOptions {
  bus: Bus;
  mode: XrMode;
  /** The reference space poses are reported in, and its name ("local-floor", "local"). */
  space: XrSpaceLike;
  spaceName: string;
  /** Per stream (viewer pose, each controller, each hand). Default 10. */
  maxHz?: number;
  /** Called every XR frame before the hook reads it (the browser clears its layer here). */
  onFrame?: (time: number, frame: XrFrameLike) => void;
}

export interface XrSessionHandle {
  /** Ends the session (the hook then reports `sensor.stopped` with reason 'stopped'). */
  stop(): Promise<void>;
  /** Resolves once the session has ended, however it ended. */
  readonly ended: Promise<void>;
}

const BUTTON_ACTIONS: readonly XrButtonAction[] = [
  'select',
  'selectstart',
  'selectend',
  'squeeze',
  'squeezestart',
  'squeezeend',
];

/** Feeds a running XR session's frames and input events to the bus until it ends. */
export function runXrSession(session: XrSessionLike, o: XrSessionOptions): XrSessionHandle {
  const { bus, space } = o;
  const minGap = 1000 / (o.maxHz ?? 10);
  const nextDue = new Map<string, number>();
  const pinching = new Map<XrInputSourceLike, boolean>();
  let stoppedByUs = false;
  let frameHandle = 0;
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));

  /**
   * Per stream: is it time to send again? By frame time (the session's own clock), keeping a steady cadence:
   * the next send is due one period after the last was due, so frames that never land exactly on the period
   * (72 Hz against 10 Hz) still give 10 a second; after a longer pause the cadence restarts.
   */
  function due(stream: string, time: number): boolean {
    const next = nextDue.get(stream);
    if (next !== undefined && time < next) return false;
    nextDue.set(stream, next !== undefined && time - next < minGap ? next + minGap : time + minGap);
    return true;
  }

  function onFrame(time: number, frame: XrFrameLike): void {
    frameHandle = session.requestAnimationFrame(onFrame);
    o.onFrame?.(time, frame);
    const viewer = frame.getViewerPose(space);
    if (viewer && due('viewer', time)) {
      const pose: XrViewerPose = {
        ...poseData(viewer),
        mode: o.mode,
        emulatedPosition: !!viewer.emulatedPosition,
        frameTime: time,
      };
      bus.publish('xr.pose', pose, { qos: 'realtime', privacy: 'private' });
    }
    for (const source of session.inputSources) {
      const h = source.handedness;
      if (source.hand) {
        if (!due(`hand.${h}`, time)) continue;
        const was = pinching.get(source) ?? false;
        const summary = summariseHand(source, frame, space, time, was);
        bus.publish(`xr.input.${h}.hand`, summary, { qos: 'realtime', privacy: 'private' });
        if (summary.pinching !== was && summary.pinchMm !== null) {
          pinching.set(source, summary.pinching);
          const pinch: XrPinch = {
            handedness: h,
            state: summary.pinching ? 'start' : 'end',
            pinchMm: summary.pinchMm,
          };
          bus.publish(`xr.input.${h}.pinch`, pinch, { qos: 'realtime', privacy: 'private' });
        }
        continue;
      }
      const pose = frame.getPose(source.gripSpace ?? source.targetRaySpace, space);
      if (pose && due(`pose.${h}`, time)) {
        const payload: XrInputPose = {
          ...poseData(pose),
          handedness: h,
          kind: kindOf(source),
          frameTime: time,
        };
        bus.publish(`xr.input.${h}.pose`, payload, { qos: 'realtime', privacy: 'private' });
      }
    }
  }

  const onAction = (e: Event) => {
    const { inputSource: source, frame } = e as Event & {
      inputSource: XrInputSourceLike;
      frame?: XrFrameLike;
    };
    const ray = frame?.getPose(source.targetRaySpace, space);
    const payload: XrInputAction = {
      handedness: source.handedness,
      kind: kindOf(source),
      action: e.type as XrButtonAction,
      targetRay: ray ? poseData(ray) : null,
    };
    // Discrete user actions: never dropped for lateness like a pose.
    bus.publish(`xr.input.${source.handedness}.${e.type}`, payload, { qos: 'batched', privacy: 'private' });
  };

  function sourcesChanged(added: Iterable<XrInputSourceLike>, removed: Iterable<XrInputSourceLike>): void {
    const tell = (s: XrInputSourceLike, what: 'connected' | 'disconnected') => {
      const change: XrInputChange = { handedness: s.handedness, kind: kindOf(s), profiles: [...s.profiles] };
      bus.publish(`xr.input.${s.handedness}.${what}`, change, { qos: 'batched', privacy: 'private' });
    };
    for (const s of added) tell(s, 'connected');
    for (const s of removed) {
      pinching.delete(s);
      tell(s, 'disconnected');
    }
  }
  const onSourcesChange = (e: Event) => {
    const c = e as Event & { added?: readonly XrInputSourceLike[]; removed?: readonly XrInputSourceLike[] };
    sourcesChanged(c.added ?? [], c.removed ?? []);
  };

  const onEnd = () => {
    session.cancelAnimationFrame(frameHandle);
    for (const t of BUTTON_ACTIONS) session.removeEventListener(t, onAction);
    session.removeEventListener('inputsourceschange', onSourcesChange);
    session.removeEventListener('end', onEnd);
    const stopped: SensorStopped = {
      sensor: 'xr',
      reason: stoppedByUs ? 'stopped' : 'session-ended',
      message: stoppedByUs
        ? 'the app ended the XR session'
        : 'the XR session ended (the user left immersive mode, or the browser ended it)',
    };
    bus.publish('sensor.stopped', stopped, { qos: 'realtime' });
    resolveEnded();
  };

  for (const t of BUTTON_ACTIONS) session.addEventListener(t, onAction);
  session.addEventListener('inputsourceschange', onSourcesChange);
  session.addEventListener('end', onEnd);
  // Sources present from the start get no inputsourceschange: announce them like newcomers.
  sourcesChanged(session.inputSources, []);
  const started: XrStarted = { sensor: 'xr', mode: o.mode, referenceSpace: o.spaceName };
  bus.publish('sensor.started', started, { qos: 'realtime' });
  frameHandle = session.requestAnimationFrame(onFrame);

  return {
    ended,
    async stop() {
      stoppedByUs = true;
      await session.end();
      await ended;
    },
  };
}
