// `device.network`: online/offline and, where the browser has navigator.connection, the connection type.
// Published once at start and whenever it changes.
import type { Bus } from '../bus/types';
import type { NetworkState } from './events';
import { listen, type Listenable, type SensorHandle } from './sensor-handle';

interface ConnectionLike extends Listenable {
  effectiveType?: string;
  type?: string;
  downlink?: number;
  rtt?: number;
  saveData?: boolean;
}

export interface NetworkSensorOptions {
  bus: Bus;
  window?: Listenable;
  navigator?: { onLine: boolean; connection?: ConnectionLike };
}

export function readNetwork(nav: { onLine: boolean; connection?: ConnectionLike }): NetworkState {
  const c = nav.connection;
  const state: NetworkState = { online: nav.onLine };
  if (c?.effectiveType !== undefined) state.effectiveType = c.effectiveType;
  if (c?.type !== undefined) state.type = c.type;
  if (c?.downlink !== undefined) state.downlinkMbps = c.downlink;
  if (c?.rtt !== undefined) state.rttMs = c.rtt;
  if (c?.saveData !== undefined) state.saveData = c.saveData;
  return state;
}

export function createNetworkSensor(options: NetworkSensorOptions): SensorHandle {
  const win = options.window ?? globalThis;
  const nav = options.navigator ?? (globalThis.navigator as NetworkSensorOptions['navigator'] & object);
  // The window's online/offline and the connection's change often fire together for one transition.
  let last = '';
  const publish = () => {
    const state = readNetwork(nav);
    const key = JSON.stringify(state);
    if (key === last) return;
    last = key;
    options.bus.publish('device.network', state, { qos: 'realtime' });
  };
  const offWindow = listen(win, ['online', 'offline'], publish);
  const offConnection = nav.connection ? listen(nav.connection, ['change'], publish) : () => {};
  publish();
  return {
    stop() {
      offWindow();
      offConnection();
    },
  };
}
