// `device.memory`: JS heap pressure where it is measurable (Chromium's performance.memory), polled at a low
// rate and published when the pressure level changes, so a model loader can back off before the tab dies.
import type { Bus } from '../bus/types';
import type { MemoryState } from './events';
import type { SensorHandle } from './sensor-handle';

interface HeapInfo {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

export interface MemorySensorOptions {
  bus: Bus;
  /** Default 5000 ms. */
  intervalMs?: number;
  read?: () => HeapInfo | undefined;
  deviceMemoryGb?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export interface MemorySensor extends SensorHandle {
  readonly available: boolean;
}

export function pressureOf(ratio: number): MemoryState['pressure'] {
  if (ratio < 0.6) return 'nominal';
  if (ratio < 0.75) return 'fair';
  if (ratio < 0.9) return 'serious';
  return 'critical';
}

const chromeHeap = (): HeapInfo | undefined =>
  (globalThis.performance as { memory?: HeapInfo } | undefined)?.memory;

export function createMemorySensor(options: MemorySensorOptions): MemorySensor {
  const read = options.read ?? chromeHeap;
  const deviceMemoryGb =
    options.deviceMemoryGb ?? (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  const every = options.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const cancel = options.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  if (!read()) return { available: false, stop() {} };
  let last: MemoryState['pressure'] | null = null;
  const poll = () => {
    const heap = read();
    if (!heap || heap.jsHeapSizeLimit <= 0) return;
    const ratio = heap.usedJSHeapSize / heap.jsHeapSizeLimit;
    const pressure = pressureOf(ratio);
    if (pressure === last) return;
    last = pressure;
    const state: MemoryState = {
      usedBytes: heap.usedJSHeapSize,
      limitBytes: heap.jsHeapSizeLimit,
      ratio,
      pressure,
    };
    if (deviceMemoryGb !== undefined) state.deviceMemoryGb = deviceMemoryGb;
    options.bus.publish('device.memory', state, { qos: 'batched' });
  };
  poll();
  const handle = every(poll, options.intervalMs ?? 5000);
  return { available: true, stop: () => cancel(handle) };
}
