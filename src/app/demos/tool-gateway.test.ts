import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../bus/local-bus';
import { sensorMonitor } from './agents/sensor-monitor';
import { event, startAgent } from './agents/test-support';
import { ROBOT_TOOLS } from './agents/tools';
import type { ToolResult } from './agents/topics';
import { createSimulatedRobot } from './simulated-robot';
import { createToolGateway, readToolCall, type ConfirmRequest } from './tool-gateway';

function setup(answer: (r: ConfirmRequest) => Promise<boolean>) {
  const bus = createLocalBus({ name: 'test' });
  const robot = createSimulatedRobot({ bus });
  const results: ToolResult[] = [];
  const asked: ConfirmRequest[] = [];
  const gateway = createToolGateway({
    allowlist: ROBOT_TOOLS,
    tools: robot.tools,
    confirm: (r) => {
      asked.push(r);
      return answer(r);
    },
    report: (r) => void results.push(r),
    now: () => 7,
  });
  return { bus, robot, results, asked, gateway };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('tool gateway', () => {
  it('refuses a tool that is not on the allowlist, with an error naming it, and runs nothing', async () => {
    const t = setup(async () => true);
    await t.gateway.perform({ key: 'e1:0', payload: { tool: 'robot.selfDestruct' } });
    expect(t.results).toEqual([
      {
        key: 'e1:0',
        call: { tool: 'robot.selfDestruct' },
        at: 7,
        status: 'refused',
        error:
          'tool "robot.selfDestruct" is not on the allowlist (allowed: robot.stop, robot.slowDown, robot.shutdown, alert.notify)',
      },
    ]);
    expect(t.robot.model().state).toBe('running');
    // Allowed in the list but with nothing to run it (alert.notify has no implementation here): refused too.
    await t.gateway.perform({ key: 'e1:1', payload: { tool: 'alert.notify' } });
    expect(t.results[1]).toMatchObject({
      status: 'refused',
      error: expect.stringContaining('"alert.notify"'),
    });
  });

  it('refuses a malformed call with a message naming the field', async () => {
    const t = setup(async () => true);
    await t.gateway.perform({ key: 'k', payload: { args: {} } });
    expect(t.results[0]).toMatchObject({ status: 'refused', error: 'a tool call needs "tool", a tool name' });
    expect(() => readToolCall({ tool: 'robot.stop', args: [1] })).toThrow(
      'tool "robot.stop": args must be an object',
    );
    expect(() => readToolCall(null)).toThrow('a tool call must be { tool, args?, reason? }');
  });

  it('performs a safe tool at once and a risky one only after the user says yes', async () => {
    let yes!: (v: boolean) => void;
    const t = setup(() => new Promise((r) => (yes = r)));
    await t.gateway.perform({ key: 'e:0', payload: { tool: 'robot.stop', reason: 'overheat' } });
    expect(t.robot.model().state).toBe('stopped');
    await t.gateway.perform({ key: 'e:1', payload: { tool: 'robot.shutdown', reason: 'overheat' } });
    expect(t.asked.map((a) => a.spec.risk)).toEqual(['risky']);
    expect(t.robot.model().state).toBe('stopped');
    expect(t.gateway.waiting()).toBe(1);
    yes(true);
    await flush();
    expect(t.robot.model().state).toBe('shut-down');
    expect(t.results.map((r) => [r.call.tool, r.status])).toEqual([
      ['robot.stop', 'performed'],
      ['robot.shutdown', 'awaiting-confirmation'],
      ['robot.shutdown', 'performed'],
    ]);
    expect(t.results[2]).toMatchObject({ confirmed: true });
  });

  it('does not perform a declined risky tool, records the no, and treats a failed dialog as a no', async () => {
    const t = setup(async () => false);
    await t.gateway.perform({ key: 'e:1', payload: { tool: 'robot.shutdown' } });
    await flush();
    expect(t.robot.model().state).toBe('running');
    expect(t.results.map((r) => r.status)).toEqual(['awaiting-confirmation', 'declined']);

    const broken = setup(() => Promise.reject(new Error('no dialog')));
    await broken.gateway.perform({ key: 'e:1', payload: { tool: 'robot.shutdown' } });
    await flush();
    expect(broken.robot.model().state).toBe('running');
    expect(broken.results.at(-1)!.status).toBe('declined');
  });

  it('runs an action key once, and joins a repeated risky call to the question already asked', async () => {
    const t = setup(() => new Promise(() => {}));
    await t.gateway.perform({ key: 'a:0', payload: { tool: 'robot.stop' } });
    await t.gateway.perform({ key: 'a:0', payload: { tool: 'robot.stop' } });
    expect(t.results).toHaveLength(1);
    await t.gateway.perform({ key: 'b:1', payload: { tool: 'robot.shutdown', args: { robot: 'arm-1' } } });
    await t.gateway.perform({ key: 'c:1', payload: { tool: 'robot.shutdown', args: { robot: 'arm-1' } } });
    expect(t.asked).toHaveLength(1);
    expect(t.results.at(-1)).toMatchObject({
      key: 'c:1',
      status: 'refused',
      error: 'already waiting for your answer on b:1',
    });
  });

  it('reports a tool that throws as failed', async () => {
    const results: ToolResult[] = [];
    const g = createToolGateway({
      allowlist: ROBOT_TOOLS,
      tools: {
        'robot.stop': () => {
          throw new Error('motor controller offline');
        },
      },
      confirm: async () => true,
      report: (r) => void results.push(r),
    });
    await g.perform({ key: 'k', payload: { tool: 'robot.stop' } });
    expect(results[0]).toMatchObject({
      status: 'failed',
      error: 'tool "robot.stop" failed: motor controller offline',
    });
  });

  it('end to end in Node: injected overheat → the monitor agent → stop performed, shutdown declined', async () => {
    const t = setup(async () => false);
    const monitor = await startAgent(sensorMonitor());
    const readings: unknown[] = [];
    t.bus.subscribe('sim.robot.telemetry', (e) => void readings.push(e.payload));
    t.robot.inject('overheat');
    await new Promise((r) => setTimeout(r, 10));
    expect(readings.at(-1)).toMatchObject({ simulated: true, temperatureC: 95, state: 'running' });
    await monitor.send(event('sim.robot.telemetry', readings.at(-1)));
    for (const a of monitor.actions) await t.gateway.perform(a);
    await flush();
    expect(t.robot.model().state).toBe('stopped');
    expect(t.results.map((r) => [r.call.tool, r.status])).toEqual([
      ['robot.stop', 'performed'],
      ['robot.shutdown', 'awaiting-confirmation'],
      ['robot.shutdown', 'declined'],
    ]);
    await monitor.stop();
    t.bus.close();
  });
});
