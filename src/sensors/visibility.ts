// `device.visibility`: whether the page is visible (a hidden tab gets throttled timers and camera frames).
import type { Bus } from '../bus/types';
import type { VisibilityState } from './events';
import { listen, type Listenable, type SensorHandle } from './sensor-handle';

export interface VisibilitySensorOptions {
  bus: Bus;
  document?: Listenable & { visibilityState: DocumentVisibilityState };
}

export function createVisibilitySensor(options: VisibilitySensorOptions): SensorHandle {
  const doc = options.document ?? globalThis.document;
  const publish = () => {
    const state: VisibilityState = { visible: doc.visibilityState === 'visible', state: doc.visibilityState };
    options.bus.publish('device.visibility', state, { qos: 'realtime' });
  };
  const off = listen(doc, ['visibilitychange'], publish);
  publish();
  return { stop: off };
}
