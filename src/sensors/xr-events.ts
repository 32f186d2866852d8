// The payloads the WebXR session hook (xr.ts) puts on the bus. Poses and hand summaries are labelled
// 'private' like device motion: derived numbers, not raw camera or microphone data.

export type XrMode = 'immersive-vr' | 'immersive-ar';
export type XrHandedness = 'left' | 'right' | 'none';

export interface XrVec3 {
  x: number;
  y: number;
  z: number;
}

export interface XrQuat {
  x: number;
  y: number;
  z: number;
  w: number;
}

export interface XrPoseData {
  /** Metres, in the session's reference space. */
  position: XrVec3;
  orientation: XrQuat;
}

/** `xr.pose`: the viewer (head) pose, at most `maxHz` per second. */
export interface XrViewerPose extends XrPoseData {
  mode: XrMode;
  /** True when the position is estimated (3-DoF device, or tracking lost). */
  emulatedPosition: boolean;
  /** The XR frame's time, ms. */
  frameTime: number;
}

/** What kind of input a source is. */
export type XrInputKind = 'hand' | 'controller' | 'gaze' | 'screen';

/** `xr.input.<handedness>.connected` / `.disconnected`. */
export interface XrInputChange {
  handedness: XrHandedness;
  kind: XrInputKind;
  /** Input profile ids, most specific first ("oculus-touch-v3", "generic-trigger"). */
  profiles: string[];
}

export type XrButtonAction =
  'select' | 'selectstart' | 'selectend' | 'squeeze' | 'squeezestart' | 'squeezeend';

/** `xr.input.<handedness>.<action>`: a select (trigger / pinch) or squeeze (grip) event. */
export interface XrInputAction {
  handedness: XrHandedness;
  kind: XrInputKind;
  action: XrButtonAction;
  /** Where the source pointed when it happened (its target ray), when the frame had it. */
  targetRay: XrPoseData | null;
}

/** `xr.input.<handedness>.pose`: a controller's grip pose (or its target ray without grip), rate-limited. */
export interface XrInputPose extends XrPoseData {
  handedness: XrHandedness;
  kind: XrInputKind;
  frameTime: number;
}

/**
 * `xr.input.<handedness>.hand`: a tracked hand summarised — the 25 joints would be ~1.3 kB a frame and no
 * agent wants them raw. Distances in millimetres.
 */
export interface XrHandSummary {
  handedness: XrHandedness;
  /** Joints with a pose this frame (of the 25). */
  trackedJoints: number;
  wrist: XrVec3 | null;
  /** Thumb tip to index tip. */
  pinchMm: number | null;
  pinching: boolean;
  /** Mean fingertip distance from the wrist: small for a fist, large for an open hand. */
  spreadMm: number | null;
  frameTime: number;
}

/** `xr.input.<handedness>.pinch`: a pinch began or ended (hysteresis avoids flicker at the threshold). */
export interface XrPinch {
  handedness: XrHandedness;
  state: 'start' | 'end';
  pinchMm: number;
}

/** `sensor.started` for the XR session. */
export interface XrStarted {
  sensor: 'xr';
  mode: XrMode;
  referenceSpace: string;
}
