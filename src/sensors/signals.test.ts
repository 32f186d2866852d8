import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../bus/local-bus';
import { policies } from '../bus/policy';
import type { SentioEvent } from '../events/event';
import { TopicError } from '../events/topic';
import { createBatterySensor } from './battery';
import { createGeolocationSensor } from './geolocation';
import { createMemorySensor, pressureOf } from './memory';
import { createMotionSensor } from './motion';
import { createNetworkSensor } from './network';
import { createSimulatedClock } from '../platform/clock';
import { createTimers, TimerError } from './timers';
import { createUiSignals } from './ui-signals';
import { createVisibilitySensor } from './visibility';

/** The real in-thread bus, with a subscriber that records everything. */
function recordedBus() {
  const bus = createLocalBus({ name: 'test.sensors' });
  const events: SentioEvent[] = [];
  bus.subscribe('>', (e) => void events.push(e), { policy: policies.dropOldest(10_000) });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { bus, events, settle, topics: () => events.map((e) => e.topic) };
}

describe('timers', () => {
  it('fires interval ticks on schedule and one-shots once, as timer.<name>', async () => {
    const { bus, events, settle } = recordedBus();
    const clock = createSimulatedClock(1_000_000);
    const timers = createTimers({ bus, clock });
    timers.interval('heartbeat', 100);
    timers.once('reminder', 250);
    clock.advance(350);
    await settle();
    const beats = events.filter((e) => e.topic === 'timer.heartbeat').map((e) => e.payload);
    expect(beats).toEqual([
      { name: 'heartbeat', count: 1, kind: 'interval', scheduledTs: 1_000_100 },
      { name: 'heartbeat', count: 2, kind: 'interval', scheduledTs: 1_000_200 },
      { name: 'heartbeat', count: 3, kind: 'interval', scheduledTs: 1_000_300 },
    ]);
    expect(events.filter((e) => e.topic === 'timer.reminder').map((e) => e.payload)).toEqual([
      { name: 'reminder', count: 1, kind: 'once', scheduledTs: 1_000_250 },
    ]);
    expect(timers.names()).toEqual(['heartbeat']);
    expect(timers.cancel('heartbeat')).toBe(true);
    clock.advance(1000);
    await settle();
    expect(events.filter((e) => e.topic === 'timer.heartbeat')).toHaveLength(3);
  });

  it('replaces a timer of the same name and stops all', async () => {
    const { bus, events, settle } = recordedBus();
    const clock = createSimulatedClock(1_000_000);
    const timers = createTimers({ bus, clock });
    timers.interval('t', 100);
    timers.interval('t', 1000);
    clock.advance(500);
    timers.stop();
    clock.advance(5000);
    await settle();
    expect(events).toHaveLength(0);
  });

  it('rejects bad names and periods with a message naming them', () => {
    const { bus } = recordedBus();
    const timers = createTimers({ bus, clock: createSimulatedClock(1_000_000) });
    expect(() => timers.interval('a..b', 10)).toThrow(TimerError);
    expect(() => timers.interval('a b', 10)).toThrow(/"a b"/);
    expect(() => timers.interval('ok', 0)).toThrow(/period must be/);
    expect(() => timers.once('ok', Number.NaN)).toThrow(/delay must be/);
  });
});

describe('ui signals', () => {
  it('emits and binds DOM-style events as ui.<name>, and unbinds', async () => {
    const { bus, events, settle } = recordedBus();
    const ui = createUiSignals({ bus });
    const button = new EventTarget();
    ui.emit('app.opened', { view: 'dashboard' });
    const off = ui.bind(button, 'click', 'start', (e: Event) => ({ kind: e.type }));
    button.dispatchEvent(new Event('click'));
    off();
    button.dispatchEvent(new Event('click'));
    await settle();
    expect(events.map((e) => [e.topic, e.payload])).toEqual([
      ['ui.app.opened', { view: 'dashboard' }],
      ['ui.start', { kind: 'click' }],
    ]);
    expect(() => ui.emit('bad name', {})).toThrow(TopicError);
  });
});

describe('device signals', () => {
  it('network: publishes the state at start and on online/offline/connection changes', async () => {
    const { bus, events, settle } = recordedBus();
    const win = new EventTarget();
    const connection = Object.assign(new EventTarget(), { effectiveType: '4g', downlink: 10, rtt: 50 });
    const nav = { onLine: true, connection };
    const sensor = createNetworkSensor({ bus, window: win, navigator: nav });
    nav.onLine = false;
    win.dispatchEvent(new Event('offline'));
    connection.dispatchEvent(new Event('change')); // same transition, reported twice by the browser
    connection.effectiveType = '3g';
    nav.onLine = true;
    win.dispatchEvent(new Event('online'));
    sensor.stop();
    win.dispatchEvent(new Event('offline'));
    await settle();
    expect(events.map((e) => e.payload)).toEqual([
      { online: true, effectiveType: '4g', downlinkMbps: 10, rttMs: 50 },
      { online: false, effectiveType: '4g', downlinkMbps: 10, rttMs: 50 },
      { online: true, effectiveType: '3g', downlinkMbps: 10, rttMs: 50 },
    ]);
  });

  it('visibility: publishes hidden/visible', async () => {
    const { bus, events, settle } = recordedBus();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
    createVisibilitySensor({ bus, document: doc });
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect(events.map((e) => e.payload)).toEqual([
      { visible: true, state: 'visible' },
      { visible: false, state: 'hidden' },
    ]);
  });

  it('motion: throttles orientation to maxHz', async () => {
    const { bus, events, settle } = recordedBus();
    const win = new EventTarget();
    let t = 0;
    createMotionSensor({ bus, window: win, maxHz: 10, now: () => t });
    for (t = 0; t < 1000; t += 16) {
      win.dispatchEvent(
        Object.assign(new Event('deviceorientation'), { alpha: t, beta: 1, gamma: 2, absolute: false }),
      );
    }
    await settle();
    const got = events.filter((e) => e.topic === 'device.orientation');
    expect(got.length).toBeGreaterThanOrEqual(9);
    expect(got.length).toBeLessThanOrEqual(10);
    expect(got[0]!.payload).toEqual({ alpha: 0, beta: 1, gamma: 2, absolute: false });
  });

  it('memory: classifies pressure and publishes only on level changes', async () => {
    const { bus, events, settle } = recordedBus();
    expect([0.1, 0.65, 0.8, 0.95].map(pressureOf)).toEqual(['nominal', 'fair', 'serious', 'critical']);
    let used = 100;
    let tick: () => void = () => {};
    const sensor = createMemorySensor({
      bus,
      read: () => ({ usedJSHeapSize: used, jsHeapSizeLimit: 1000 }),
      setInterval: (fn) => (tick = fn),
      clearInterval: () => {},
    });
    expect(sensor.available).toBe(true);
    used = 150;
    tick();
    used = 950;
    tick();
    await settle();
    expect(events.map((e) => (e.payload as { pressure: string }).pressure)).toEqual(['nominal', 'critical']);
    expect(createMemorySensor({ bus, read: () => undefined }).available).toBe(false);
  });

  it('battery: reports availability honestly and publishes changes', async () => {
    const { bus, events, settle } = recordedBus();
    expect(await createBatterySensor({ bus, navigator: {} }).available).toBe(false);
    const battery = Object.assign(new EventTarget(), {
      level: 0.5,
      charging: false,
      chargingTime: Infinity,
      dischargingTime: 3600,
    });
    const sensor = createBatterySensor({ bus, navigator: { getBattery: async () => battery } });
    expect(await sensor.available).toBe(true);
    battery.charging = true;
    battery.dispatchEvent(new Event('chargingchange'));
    await settle();
    expect(events.map((e) => e.payload)).toEqual([
      { level: 0.5, charging: false, chargingTimeS: null, dischargingTimeS: 3600 },
      { level: 0.5, charging: true, chargingTimeS: null, dischargingTimeS: 3600 },
    ]);
  });

  it('geolocation: a denied permission becomes a sensor.error and stops watching', async () => {
    const { bus, events, settle } = recordedBus();
    let cleared = false;
    const geolocation = {
      watchPosition: (_ok: PositionCallback, fail?: PositionErrorCallback | null) => {
        fail?.({ code: 1, message: 'User denied Geolocation' } as GeolocationPositionError);
        return 7;
      },
      clearWatch: (id: number) => (cleared = id === 7),
      getCurrentPosition: () => {},
    } as Geolocation;
    expect(await createGeolocationSensor({ bus, geolocation }).start()).toBe(false);
    await settle();
    expect(events.map((e) => [e.topic, (e.payload as { reason: string }).reason])).toEqual([
      ['sensor.error', 'permission-denied'],
    ]);
    expect(cleared).toBe(true);
  });
});
