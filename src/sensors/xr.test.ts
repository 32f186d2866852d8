// The WebXR hook driven in Node by a scripted XRSession-shaped object: there is no headset (nor any XR
// device) on this machine, so these tests play a session's frames and input events by hand. They prove the
// adapter's logic — what reaches the bus, rate limits, hand summaries, the end of a session — not that a
// real runtime delivers what the WebXR spec says it does.
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../bus/local-bus';
import type { SentioEvent } from '../events/event';
import {
  probeXr,
  runXrSession,
  summariseHand,
  type XrFrameLike,
  type XrInputSourceLike,
  type XrPoseLike,
  type XrSessionLike,
  type XrSpaceLike,
  type XrSystemLike,
  type XrSessionOptions,
} from './xr';
import type { XrVec3 } from './xr-events';

const pose = (x: number, y: number, z: number): XrPoseLike => ({
  transform: { position: { x, y, z }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
});

/** An XRSession-shaped object whose frames and events the test plays by hand. */
class ScriptedSession extends EventTarget implements XrSessionLike {
  inputSources: XrInputSourceLike[] = [];
  private callbacks = new Map<number, (time: number, frame: XrFrameLike) => void>();
  private next = 1;
  endCalls = 0;

  requestAnimationFrame(cb: (time: number, frame: XrFrameLike) => void): number {
    this.callbacks.set(this.next, cb);
    return this.next++;
  }
  cancelAnimationFrame(handle: number): void {
    this.callbacks.delete(handle);
  }
  async end(): Promise<void> {
    this.endCalls++;
    this.dispatchEvent(new Event('end'));
  }
  /** Runs the frame callbacks that were waiting, as the XR compositor would. */
  frame(time: number, frame: XrFrameLike): void {
    const due = [...this.callbacks.values()];
    this.callbacks.clear();
    for (const cb of due) cb(time, frame);
  }
  pendingFrames(): number {
    return this.callbacks.size;
  }
  input(type: string, inputSource: XrInputSourceLike, frame?: XrFrameLike): void {
    this.dispatchEvent(Object.assign(new Event(type), { inputSource, frame }));
  }
  sourcesChange(added: XrInputSourceLike[], removed: XrInputSourceLike[]): void {
    this.dispatchEvent(Object.assign(new Event('inputsourceschange'), { added, removed }));
  }
}

const SPACE: XrSpaceLike = { name: 'local-floor' };

function frameWith(options: {
  viewer?: XrPoseLike | null;
  poses?: Map<XrSpaceLike, XrPoseLike>;
  joints?: Map<XrSpaceLike, XrVec3>;
}): XrFrameLike {
  return {
    getViewerPose: (space) => (space === SPACE ? (options.viewer ?? null) : null),
    getPose: (space, base) => (base === SPACE ? (options.poses?.get(space) ?? null) : null),
    getJointPose: (joint, base) => {
      const p = base === SPACE ? options.joints?.get(joint) : undefined;
      return p ? pose(p.x, p.y, p.z) : null;
    },
  };
}

function controller(handedness: 'left' | 'right'): XrInputSourceLike {
  return {
    handedness,
    targetRayMode: 'tracked-pointer',
    profiles: ['oculus-touch-v3', 'generic-trigger-squeeze'],
    targetRaySpace: { ray: handedness },
    gripSpace: { grip: handedness },
  };
}

const JOINTS = [
  'wrist',
  'thumb-tip',
  'index-finger-tip',
  'middle-finger-tip',
  'ring-finger-tip',
  'pinky-finger-tip',
];

/** A tracked hand input source (a few of the 25 joints are enough for the summary). */
function hand(handedness: 'left' | 'right'): XrInputSourceLike {
  const spaces = new Map(JOINTS.map((name) => [name, { joint: name, handedness } as XrSpaceLike]));
  return {
    handedness,
    targetRayMode: 'tracked-pointer',
    profiles: ['generic-hand'],
    targetRaySpace: { ray: handedness },
    hand: { get: (n: string) => spaces.get(n), [Symbol.iterator]: () => spaces.entries() },
  };
}

/** The hand's joints placed at these positions (metres); joints not given are untracked this frame. */
function jointsAt(source: XrInputSourceLike, at: Record<string, XrVec3>): Map<XrSpaceLike, XrVec3> {
  return new Map(
    [...source.hand!].flatMap(([name, space]) => (at[name] ? [[space, at[name]!] as const] : [])),
  );
}

function setup() {
  const bus = createLocalBus({ name: 'xr' });
  const events: SentioEvent[] = [];
  bus.subscribe('>', (e) => void events.push(e));
  const session = new ScriptedSession();
  /** Runs the hook on the scripted session: VR in local-floor unless the test says otherwise. */
  const start = (o: Partial<XrSessionOptions> = {}) =>
    runXrSession(session, { bus, mode: 'immersive-vr', space: SPACE, spaceName: 'local-floor', ...o });
  return { events, session, start };
}

describe('probeXr (scripted navigator.xr: no real XR device here)', () => {
  const system = (vr: boolean, ar: boolean): XrSystemLike => ({
    isSessionSupported: async (m) => (m === 'immersive-vr' ? vr : ar),
    requestSession: async () => ({}),
  });

  it('lists the immersive modes the browser offers', async () => {
    expect(await probeXr(system(true, false), true)).toEqual({ modes: ['immersive-vr'], reason: null });
    expect(await probeXr(system(true, true), true)).toEqual({
      modes: ['immersive-vr', 'immersive-ar'],
      reason: null,
    });
  });

  it('says why no session can start', async () => {
    expect(await probeXr(undefined, true)).toEqual({
      modes: [],
      reason: 'this browser has no WebXR (navigator.xr is missing)',
    });
    expect(await probeXr(system(true, true), false)).toEqual({
      modes: [],
      reason: 'WebXR needs a secure context (https or localhost)',
    });
    expect((await probeXr(system(false, false), true)).reason).toBe(
      'no immersive VR or AR device: the browser supports neither immersive-vr nor immersive-ar here',
    );
    const broken: XrSystemLike = {
      isSessionSupported: async () => {
        throw new Error('blocked by permissions policy');
      },
      requestSession: async () => ({}),
    };
    expect((await probeXr(broken, true)).reason).toBe(
      'the WebXR support check failed: blocked by permissions policy',
    );
  });
});

describe('runXrSession (scripted XRSession-shaped object: no real headset here)', () => {
  it('announces the session and the input sources present at the start', () => {
    const { events, session, start } = setup();
    session.inputSources = [controller('left'), controller('right')];
    start();
    expect(events.map((e) => [e.topic, e.payload])).toEqual([
      [
        'xr.input.left.connected',
        { handedness: 'left', kind: 'controller', profiles: ['oculus-touch-v3', 'generic-trigger-squeeze'] },
      ],
      [
        'xr.input.right.connected',
        { handedness: 'right', kind: 'controller', profiles: ['oculus-touch-v3', 'generic-trigger-squeeze'] },
      ],
      ['sensor.started', { sensor: 'xr', mode: 'immersive-vr', referenceSpace: 'local-floor' }],
    ]);
  });

  it('publishes the viewer pose at most maxHz times a second by frame time, labelled private', () => {
    const { events, session, start } = setup();
    start({ maxHz: 10 });
    // 72 Hz for one second: 72 frames, 13.9 ms apart.
    for (let i = 0; i < 72; i++)
      session.frame(i * (1000 / 72), frameWith({ viewer: pose(0, 1.6, -i / 100) }));
    const poses = events.filter((e) => e.topic === 'xr.pose');
    expect(poses).toHaveLength(10);
    expect(poses.every((e) => e.privacy === 'private' && e.qos === 'realtime')).toBe(true);
    expect(poses[0]!.payload).toEqual({
      position: { x: 0, y: 1.6, z: -0 },
      orientation: { x: 0, y: 0, z: 0, w: 1 },
      mode: 'immersive-vr',
      emulatedPosition: false,
      frameTime: 0,
    });
    const gaps = poses
      .slice(1)
      .map(
        (e, i) =>
          (e.payload as { frameTime: number }).frameTime -
          (poses[i]!.payload as { frameTime: number }).frameTime,
      );
    // Steady cadence: never closer than the period less one frame.
    expect(Math.min(...gaps)).toBeGreaterThan(100 - 1000 / 72);
  });

  it('after a long pause the cadence restarts instead of catching up in a burst', () => {
    const { events, session, start } = setup();
    start({ maxHz: 10 });
    session.frame(0, frameWith({ viewer: pose(0, 1.6, 0) }));
    for (let t = 5000; t < 5100; t += 10) session.frame(t, frameWith({ viewer: pose(0, 1.6, 0) }));
    expect(
      events.filter((e) => e.topic === 'xr.pose').map((e) => (e.payload as { frameTime: number }).frameTime),
    ).toEqual([0, 5000]);
  });

  it('skips frames without a viewer pose (tracking lost) and keeps asking for frames', () => {
    const { events, session, start } = setup();
    start({ mode: 'immersive-ar', spaceName: 'local' });
    session.frame(0, frameWith({ viewer: null }));
    expect(events.filter((e) => e.topic === 'xr.pose')).toHaveLength(0);
    expect(session.pendingFrames()).toBe(1);
    session.frame(200, frameWith({ viewer: pose(0, 1.5, 0) }));
    expect(events.filter((e) => e.topic === 'xr.pose')).toHaveLength(1);
  });

  it('turns select and squeeze events into xr.input.<handedness>.<action> with the target ray', () => {
    const { events, session, start } = setup();
    const right = controller('right');
    session.inputSources = [right];
    start();
    const atTrigger = frameWith({ poses: new Map([[right.targetRaySpace, pose(0.2, 1.2, -0.3)]]) });
    for (const t of ['selectstart', 'selectend', 'select', 'squeezestart', 'squeezeend', 'squeeze'])
      session.input(t, right, atTrigger);
    session.input('select', right); // an event without a frame: no ray, still an action
    const actions = events.filter((e) => /^xr\.input\.right\.(select|squeeze)/.test(e.topic));
    expect(actions.map((e) => e.topic)).toEqual([
      'xr.input.right.selectstart',
      'xr.input.right.selectend',
      'xr.input.right.select',
      'xr.input.right.squeezestart',
      'xr.input.right.squeezeend',
      'xr.input.right.squeeze',
      'xr.input.right.select',
    ]);
    expect(actions[2]!.payload).toEqual({
      handedness: 'right',
      kind: 'controller',
      action: 'select',
      targetRay: { position: { x: 0.2, y: 1.2, z: -0.3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    });
    expect((actions[6]!.payload as { targetRay: unknown }).targetRay).toBeNull();
    expect(actions.every((e) => e.privacy === 'private' && e.qos === 'batched')).toBe(true);
  });

  it('publishes controller grip poses per hand, rate-limited each on its own', () => {
    const { events, session, start } = setup();
    const left = controller('left');
    const right = controller('right');
    session.inputSources = [left, right];
    start({ maxHz: 5 });
    const poses = new Map([
      [left.gripSpace!, pose(-0.2, 1, -0.3)],
      [right.gripSpace!, pose(0.2, 1, -0.3)],
    ]);
    for (let t = 0; t < 1000; t += 50) session.frame(t, frameWith({ poses }));
    expect(events.filter((e) => e.topic === 'xr.input.left.pose')).toHaveLength(5);
    expect(events.filter((e) => e.topic === 'xr.input.right.pose')).toHaveLength(5);
    expect(events.find((e) => e.topic === 'xr.input.left.pose')!.payload).toMatchObject({
      handedness: 'left',
      kind: 'controller',
      position: { x: -0.2, y: 1, z: -0.3 },
    });
  });

  it('summarises a tracked hand and reports pinches with hysteresis', () => {
    const { events, session, start } = setup();
    const wrist = { x: 0, y: 1, z: -0.3 };
    const open = {
      wrist,
      'thumb-tip': { x: -0.06, y: 1.05, z: -0.35 },
      'index-finger-tip': { x: -0.02, y: 1.15, z: -0.36 },
      'middle-finger-tip': { x: 0, y: 1.17, z: -0.36 },
      'ring-finger-tip': { x: 0.02, y: 1.15, z: -0.36 },
      'pinky-finger-tip': { x: 0.04, y: 1.12, z: -0.35 },
    };
    const thumbAt = (d: number) => ({
      ...open,
      'thumb-tip': { ...open['index-finger-tip'], x: open['index-finger-tip'].x - d },
    });
    const right = hand('right');
    session.inputSources = [right];
    start({ mode: 'immersive-ar', spaceName: 'local' });
    // Thumb–index distance over time (m): open, 10 mm (pinch starts), 30 mm (still pinching: below 35),
    // 50 mm (ends), 30 mm (not pinching again: above 20).
    const distances = [null, 0.01, 0.03, 0.05, 0.03];
    distances.forEach((d, i) => {
      session.frame(i * 200, frameWith({ joints: jointsAt(right, d === null ? open : thumbAt(d)) }));
    });
    const summaries = events
      .filter((e) => e.topic === 'xr.input.right.hand')
      .map(
        (e) => e.payload as { pinching: boolean; pinchMm: number; trackedJoints: number; spreadMm: number },
      );
    expect(summaries.map((s) => s.pinching)).toEqual([false, true, true, false, false]);
    expect(summaries[0]!.trackedJoints).toBe(6);
    expect(summaries[1]!.pinchMm).toBeCloseTo(10, 5);
    expect(summaries[0]!.spreadMm).toBeGreaterThan(100);
    const pinches = events.filter((e) => e.topic === 'xr.input.right.pinch').map((e) => e.payload);
    expect(pinches).toEqual([
      { handedness: 'right', state: 'start', pinchMm: expect.closeTo(10, 5) },
      { handedness: 'right', state: 'end', pinchMm: expect.closeTo(50, 5) },
    ]);
  });

  it('reports sources that come and go', () => {
    const { events, session, start } = setup();
    start();
    const left = controller('left');
    session.sourcesChange([hand('left')], [left]);
    expect(
      events
        .filter((e) => e.topic.startsWith('xr.input.'))
        .map((e) => [e.topic, (e.payload as { kind: string }).kind]),
    ).toEqual([
      ['xr.input.left.connected', 'hand'],
      ['xr.input.left.disconnected', 'controller'],
    ]);
  });

  it('a session ended by the user becomes sensor.stopped (session-ended), and its frames stop', async () => {
    const { events, session, start } = setup();
    const handle = start();
    session.frame(0, frameWith({ viewer: pose(0, 1.6, 0) }));
    session.dispatchEvent(new Event('end'));
    await handle.ended;
    expect(events.at(-1)).toMatchObject({
      topic: 'sensor.stopped',
      payload: { sensor: 'xr', reason: 'session-ended' },
    });
    expect(session.pendingFrames()).toBe(0);
    // Input after the end is no longer listened to.
    const before = events.length;
    session.input('select', controller('right'));
    expect(events.length).toBe(before);
  });

  it('stop() ends the session and says the app stopped it', async () => {
    const { events, session, start } = setup();
    const handle = start();
    await handle.stop();
    expect(session.endCalls).toBe(1);
    expect(events.at(-1)).toMatchObject({
      topic: 'sensor.stopped',
      payload: { sensor: 'xr', reason: 'stopped', message: 'the app ended the XR session' },
    });
  });
});

describe('summariseHand', () => {
  it('leaves out what it cannot see: no joints, no distances', () => {
    expect(summariseHand(hand('left'), frameWith({}), SPACE, 5, false)).toEqual({
      handedness: 'left',
      trackedJoints: 0,
      wrist: null,
      pinchMm: null,
      pinching: false,
      spreadMm: null,
      frameTime: 5,
    });
  });
});
