// `device.geolocation`, only when the app asks (start) and the user permits. Location is labelled 'local':
// it identifies a person as much as their face does.
import type { Bus } from '../bus/types';
import type { GeolocationState, SensorError } from './events';

export interface GeolocationSensorOptions {
  bus: Bus;
  geolocation?: Geolocation;
  highAccuracy?: boolean;
}

export interface GeolocationSensor {
  /** Starts watching; resolves true with the first fix, false on failure (a `sensor.error` says why). */
  start(): Promise<boolean>;
  stop(): void;
}

const REASONS: Record<number, Pick<SensorError, 'reason' | 'message'>> = {
  1: { reason: 'permission-denied', message: 'location permission was denied' },
  2: { reason: 'no-device', message: 'the position is unavailable (no location source)' },
  3: { reason: 'capture-failed', message: 'no position within the time limit' },
};

export function createGeolocationSensor(options: GeolocationSensorOptions): GeolocationSensor {
  const sensor = 'geolocation';
  const geo = options.geolocation ?? globalThis.navigator?.geolocation;
  let watch: number | null = null;
  const stop = () => {
    if (watch !== null) geo?.clearWatch(watch);
    watch = null;
  };
  return {
    start() {
      if (!geo) {
        options.bus.publish('sensor.error', {
          sensor,
          reason: 'unsupported',
          message: 'no geolocation API',
        } satisfies SensorError);
        return Promise.resolve(false);
      }
      stop();
      return new Promise((resolve) => {
        let first = true;
        // A browser may call back before watchPosition returns its id: remember a denial until then.
        let denied = false;
        const id = geo.watchPosition(
          (p) => {
            const c = p.coords;
            const state: GeolocationState = {
              latitude: c.latitude,
              longitude: c.longitude,
              accuracyM: c.accuracy,
              altitude: c.altitude,
              heading: c.heading,
              speed: c.speed,
            };
            options.bus.publish('device.geolocation', state, {
              privacy: 'local',
              qos: 'batched',
              ts: p.timestamp,
            });
            if (first) {
              first = false;
              resolve(true);
            }
          },
          (e) => {
            const why = REASONS[e.code] ?? { reason: 'unknown' as const, message: e.message };
            options.bus.publish('sensor.error', { sensor, ...why } satisfies SensorError);
            if (e.code === 1) {
              denied = true;
              stop();
            }
            if (first) {
              first = false;
              resolve(false);
            }
          },
          { enableHighAccuracy: options.highAccuracy ?? false },
        );
        if (denied) geo.clearWatch(id);
        else watch = id;
      });
    },
    stop,
  };
}
