// `device.orientation` and `device.motion` (phones, Quest): the browser fires these at up to 60 Hz, which
// is more than any agent needs, so each is throttled to `maxHz`. iOS asks for permission first:
// `requestMotionPermission()` must be called from a user gesture there.
import type { Bus } from '../bus/types';
import type { MotionState, OrientationState } from './events';
import { listen, type Listenable, type SensorHandle } from './sensor-handle';

export interface MotionSensorOptions {
  bus: Bus;
  window?: Listenable;
  /** Per event kind. Default 10. */
  maxHz?: number;
  now?: () => number;
}

const xyz = (a: DeviceMotionEventAcceleration | null) => (a ? { x: a.x, y: a.y, z: a.z } : null);

export function createMotionSensor(options: MotionSensorOptions): SensorHandle {
  const win = options.window ?? globalThis;
  const now = options.now ?? (() => performance.now());
  const minGap = 1000 / (options.maxHz ?? 10);
  let lastOrientation = -Infinity;
  let lastMotion = -Infinity;
  const offOrientation = listen(win, ['deviceorientation'], (e) => {
    const t = now();
    if (t - lastOrientation < minGap) return;
    lastOrientation = t;
    const o = e as DeviceOrientationEvent;
    const state: OrientationState = { alpha: o.alpha, beta: o.beta, gamma: o.gamma, absolute: o.absolute };
    options.bus.publish('device.orientation', state, { qos: 'realtime' });
  });
  const offMotion = listen(win, ['devicemotion'], (e) => {
    const t = now();
    if (t - lastMotion < minGap) return;
    lastMotion = t;
    const m = e as DeviceMotionEvent;
    const r = m.rotationRate;
    const state: MotionState = {
      acceleration: xyz(m.acceleration),
      accelerationIncludingGravity: xyz(m.accelerationIncludingGravity),
      rotationRate: r ? { alpha: r.alpha, beta: r.beta, gamma: r.gamma } : null,
      intervalMs: m.interval,
    };
    options.bus.publish('device.motion', state, { qos: 'realtime' });
  });
  return {
    stop() {
      offOrientation();
      offMotion();
    },
  };
}

/** iOS Safari gates motion behind a prompt that only a user gesture may open; elsewhere it is granted. */
export async function requestMotionPermission(): Promise<'granted' | 'denied'> {
  const ctor = (globalThis as { DeviceOrientationEvent?: { requestPermission?: () => Promise<string> } })
    .DeviceOrientationEvent;
  if (typeof ctor?.requestPermission !== 'function') return 'granted';
  return (await ctor.requestPermission()) === 'granted' ? 'granted' : 'denied';
}
