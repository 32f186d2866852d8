// A simulated robot arm — ours, not a real device, and labelled so in every reading (`simulated: true`)
// and in the UI. Once the user powers it on it publishes telemetry once a second on `sim.robot.telemetry`,
// lets the user inject faults (overheat, vibration), and is the target of the sensor monitor's tools (stop,
// slow down, shut down). Off by default: an idle dashboard stays idle.
import { type Bus, systemClock, type Clock } from '../../index';
import type { RobotState, RobotTelemetry } from './agents/topics';

export type Fault = 'overheat' | 'vibration';

export interface RobotModel {
  state: RobotState;
  temperatureC: number;
  vibrationG: number;
  faults: Fault[];
}

const AMBIENT_C = 24;
const WORKING_C = 45;
const FAULT_C = 95;
const WORKING_G = 0.4;
const FAULT_G = 3.2;

export const freshRobot = (): RobotModel => ({
  state: 'running',
  temperatureC: WORKING_C,
  vibrationG: WORKING_G,
  faults: [],
});

/** One second of the robot's life: it heats while a fault drives it, and cools toward what it is doing. */
export function step(m: RobotModel): RobotModel {
  const moving = m.state === 'running' || m.state === 'slowed';
  const heating = m.faults.includes('overheat') && moving;
  const targetC = heating ? FAULT_C : moving ? WORKING_C : AMBIENT_C;
  // Heat builds fast and fades slowly, like a motor's housing.
  const rate = targetC > m.temperatureC ? 0.6 : 0.15;
  const shaking = m.faults.includes('vibration') ? FAULT_G : WORKING_G;
  const vibrationG = !moving ? 0 : m.state === 'slowed' ? shaking / 2 : shaking;
  return {
    ...m,
    temperatureC: Math.round((m.temperatureC + (targetC - m.temperatureC) * rate) * 10) / 10,
    vibrationG: Math.round(vibrationG * 100) / 100,
  };
}

export function inject(m: RobotModel, fault: Fault): RobotModel {
  if (m.faults.includes(fault)) return m;
  // A fault shows in the very next reading, so that the monitor sees it at once.
  return fault === 'overheat'
    ? { ...m, faults: [...m.faults, fault], temperatureC: FAULT_C }
    : { ...m, faults: [...m.faults, fault], vibrationG: m.state === 'running' ? FAULT_G : m.vibrationG };
}

export interface SimulatedRobotOptions {
  bus: Bus;
  id?: string;
  periodMs?: number;
  clock?: Clock;
}

export function createSimulatedRobot(o: SimulatedRobotOptions) {
  const id = o.id ?? 'arm-1';
  const clock = o.clock ?? systemClock;
  const periodMs = o.periodMs ?? 1000;
  let model = freshRobot();
  let handle: unknown = null;
  const listeners = new Set<(m: RobotModel) => void>();

  function publish(): void {
    const reading: RobotTelemetry = {
      simulated: true,
      robot: id,
      state: model.state,
      temperatureC: model.temperatureC,
      vibrationG: model.vibrationG,
    };
    o.bus.publish('sim.robot.telemetry', reading, { privacy: 'private', qos: 'batched' });
    for (const l of listeners) l(model);
  }
  function set(next: RobotModel): void {
    model = next;
    publish();
  }
  function tick(): void {
    handle = clock.setTimeout(tick, periodMs);
    if (model.state !== 'shut-down') set(step(model));
  }

  return {
    id,
    start(): void {
      if (handle === null) tick();
    },
    stop(): void {
      if (handle !== null) clock.clearTimeout(handle);
      handle = null;
    },
    /** Whether it is powered on (publishing readings). */
    running: (): boolean => handle !== null,
    model: (): RobotModel => model,
    onChange(l: (m: RobotModel) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    inject: (fault: Fault) => set(inject(model, fault)),
    /** Clears the faults and starts it again (what a technician does on site). */
    reset: () => set(freshRobot()),
    /** The tools the sensor monitor may call, by name. */
    tools: {
      'robot.stop': () => set({ ...model, state: 'stopped', vibrationG: 0 }),
      'robot.slowDown': () => set({ ...model, state: model.state === 'running' ? 'slowed' : model.state }),
      'robot.shutdown': () => set({ ...model, state: 'shut-down', vibrationG: 0 }),
    },
  };
}

export type SimulatedRobot = ReturnType<typeof createSimulatedRobot>;
