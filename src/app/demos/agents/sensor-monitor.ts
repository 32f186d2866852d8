// Sensor monitor (robot / IoT): readings of our simulated robot and this device's motion → safety rules →
// tool calls. The rules are a playbook (plain data, src/agents/playbook.ts); each call goes to the page's
// tool gateway, which enforces the allowlist and the user's confirmation of risky tools.
import { definePlaybook, type Condition, type Rule } from '../../../index';
import { TOOL_ACTION } from './tools';

export const MONITOR_AGENT = 'sensor-monitor';

export const OVERHEAT_C = 80;
export const VIBRATION_G = 2.5;
/** m/s² on any axis, gravity included: a drop or a hard knock, not walking with the phone. */
export const SHOCK_MS2 = 25;

const operating: Condition = { path: 'payload.state', op: 'in', value: ['running', 'slowed'] };
const robot = { $from: 'payload.robot' };

export const SAFETY_RULES: Rule[] = [
  {
    id: 'overheat',
    when: 'sim.robot.telemetry',
    if: { all: [operating, { path: 'payload.temperatureC', op: '>=', value: OVERHEAT_C }] },
    then: [
      // Stopping is safe and cannot wait; powering off is the user's call.
      { act: TOOL_ACTION, payload: { tool: 'robot.stop', args: { robot }, reason: 'overheat' } },
      { act: TOOL_ACTION, payload: { tool: 'robot.shutdown', args: { robot }, reason: 'overheat' } },
    ],
  },
  {
    id: 'vibration',
    when: 'sim.robot.telemetry',
    if: {
      all: [
        { path: 'payload.state', op: '==', value: 'running' },
        { path: 'payload.vibrationG', op: '>=', value: VIBRATION_G },
      ],
    },
    then: [{ act: TOOL_ACTION, payload: { tool: 'robot.slowDown', args: { robot }, reason: 'vibration' } }],
  },
  {
    id: 'device-shock',
    when: 'device.motion',
    if: {
      any: (['x', 'y', 'z'] as const).flatMap((axis) => [
        { path: `payload.accelerationIncludingGravity.${axis}`, op: '>=' as const, value: SHOCK_MS2 },
        { path: `payload.accelerationIncludingGravity.${axis}`, op: '<=' as const, value: -SHOCK_MS2 },
      ]),
    },
    then: [
      {
        act: TOOL_ACTION,
        payload: {
          tool: 'alert.notify',
          args: { message: 'This device took a hard knock.' },
          reason: 'shock',
        },
      },
    ],
  },
];

export function sensorMonitor(rules: Rule[] = SAFETY_RULES) {
  return definePlaybook({ id: MONITOR_AGENT, rules });
}
