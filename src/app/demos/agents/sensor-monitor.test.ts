import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { definePlaybook } from '../../../index';
import { OVERHEAT_C, SAFETY_RULES, sensorMonitor } from './sensor-monitor';
import { event, startAgent } from './test-support';
import { ROBOT_TOOLS, TOOL_ACTION } from './tools';
import type { RobotTelemetry } from './topics';

const reading = (over: Partial<RobotTelemetry> = {}): RobotTelemetry => ({
  simulated: true,
  robot: 'arm-1',
  state: 'running',
  temperatureC: 45,
  vibrationG: 0.4,
  ...over,
});

describe('sensor monitor: safety rules', () => {
  it('asks to stop (safe) and to shut down (risky) an overheating robot, once per reading', async () => {
    const h = await startAgent(sensorMonitor());
    const hot = event('sim.robot.telemetry', reading({ temperatureC: OVERHEAT_C + 15 }), {
      privacy: 'private',
    });
    await h.send(event('sim.robot.telemetry', reading(), { privacy: 'private' }), hot);
    expect(h.actions.map((a) => [a.kind, a.payload])).toEqual([
      [TOOL_ACTION, { tool: 'robot.stop', args: { robot: 'arm-1' }, reason: 'overheat' }],
      [TOOL_ACTION, { tool: 'robot.shutdown', args: { robot: 'arm-1' }, reason: 'overheat' }],
    ]);
    expect(h.actions.map((a) => a.key)).toEqual([`sensor-monitor:${hot.id}:0`, `sensor-monitor:${hot.id}:1`]);
    expect(h.state()).toEqual({ fired: { overheat: 1 } });
    await h.stop();
  });

  it('leaves a stopped robot alone, slows a vibrating one, and alerts on a hard knock to this device', async () => {
    const h = await startAgent(sensorMonitor());
    await h.send(
      event('sim.robot.telemetry', reading({ state: 'stopped', temperatureC: 99 })),
      event('sim.robot.telemetry', reading({ vibrationG: 3.2 })),
      event('sim.robot.telemetry', reading({ state: 'slowed', vibrationG: 3.2 })),
      event('device.motion', { accelerationIncludingGravity: { x: 0.1, y: 9.8, z: 0.3 } }),
      event('device.motion', { accelerationIncludingGravity: { x: -31, y: 9.8, z: 0.3 } }),
      event('device.motion', { accelerationIncludingGravity: null }),
    );
    expect(h.actions.map((a) => (a.payload as { tool: string }).tool)).toEqual([
      'robot.slowDown',
      'alert.notify',
    ]);
    expect(h.state()).toEqual({ fired: { vibration: 1, 'device-shock': 1 } });
    await h.stop();
  });

  it('calls only tools on the allowlist', () => {
    const allowed = new Set(ROBOT_TOOLS.map((t) => t.name));
    for (const rule of SAFETY_RULES)
      for (const a of rule.then) {
        expect('act' in a && a.act).toBe(TOOL_ACTION);
        expect(allowed.has((a.payload as { tool: string }).tool)).toBe(true);
      }
    // The rules are a valid playbook (definePlaybook checks every condition and action).
    expect(() => definePlaybook({ id: 'x', rules: SAFETY_RULES })).not.toThrow();
  });
});
