// `device.battery` where the Battery Status API exists (Chromium desktop/Android; not Firefox or Safari).
import type { Bus } from '../bus/types';
import type { BatteryState } from './events';
import { listen, type Listenable, type SensorHandle } from './sensor-handle';

interface BatteryManagerLike extends Listenable {
  level: number;
  charging: boolean;
  chargingTime: number;
  dischargingTime: number;
}

export interface BatterySensorOptions {
  bus: Bus;
  navigator?: { getBattery?: () => Promise<BatteryManagerLike> };
}

export interface BatterySensor extends SensorHandle {
  /** false where the browser has no battery API (nothing is published then). */
  readonly available: Promise<boolean>;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function createBatterySensor(options: BatterySensorOptions): BatterySensor {
  const nav = options.navigator ?? (globalThis.navigator as BatterySensorOptions['navigator'] & object);
  let off: (() => void) | null = null;
  let stopped = false;
  const available = (async () => {
    if (typeof nav?.getBattery !== 'function') return false;
    let battery: BatteryManagerLike;
    try {
      battery = await nav.getBattery();
    } catch {
      return false; // e.g. blocked by a permissions policy in an iframe
    }
    if (stopped) return true;
    const publish = () => {
      const state: BatteryState = {
        level: battery.level,
        charging: battery.charging,
        chargingTimeS: finite(battery.chargingTime),
        dischargingTimeS: finite(battery.dischargingTime),
      };
      options.bus.publish('device.battery', state, { qos: 'batched' });
    };
    off = listen(
      battery,
      ['levelchange', 'chargingchange', 'chargingtimechange', 'dischargingtimechange'],
      publish,
    );
    publish();
    return true;
  })();
  return {
    available,
    stop() {
      stopped = true;
      off?.();
    },
  };
}
