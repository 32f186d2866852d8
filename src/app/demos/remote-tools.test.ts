// Remote tool calls on a real in-thread bus through the real tool gateway and simulated robot.
import { expect, test } from 'vitest';
import { createLocalBus } from '../../bus/local-bus';
import { ROBOT_TOOLS } from './agents/tools';
import type { ToolCall, ToolResult } from './agents/topics';
import { acceptRemoteToolCalls } from './remote-tools';
import { createSimulatedRobot } from './simulated-robot';
import { createToolGateway, type ToolImpl } from './tool-gateway';

function edge(o: { here?: () => boolean; answer?: boolean } = {}) {
  const bus = createLocalBus({ name: 'app' });
  const robot = createSimulatedRobot({ bus });
  const performed: string[] = [];
  const tools: Record<string, ToolImpl> = Object.fromEntries(
    Object.entries(robot.tools as Record<string, ToolImpl>).map(([name, impl]) => [
      name,
      (c: ToolCall) => {
        performed.push(name);
        return impl(c);
      },
    ]),
  );
  const results: ToolResult[] = [];
  const report = (r: ToolResult) => void bus.publish('tool.result', r, { privacy: 'private' });
  bus.subscribe('tool.result', (e) => void results.push(e.payload as ToolResult));
  const gateway = createToolGateway({
    allowlist: ROBOT_TOOLS,
    tools,
    confirm: async () => o.answer ?? false,
    report,
  });
  const remote = acceptRemoteToolCalls({ bus, gateway, here: o.here ?? (() => true), report });
  const call = (payload: unknown, device: string | null = 'cloud') =>
    bus.publish('tool.call', payload, device ? { meta: { device } } : {});
  return { bus, performed, results, call, remote };
}

const settle = () => new Promise((r) => setTimeout(r, 10));
const outcome = (r: ToolResult) => ({ key: r.key, status: r.status });

test('a call from another device runs once; a repeat of its key gets the same outcome again, not a second run', async () => {
  const t = edge();
  t.call({ key: 'k1', tool: 'robot.stop', reason: 'too hot' });
  await settle();
  t.call({ key: 'k1', tool: 'robot.stop', reason: 'too hot' });
  await settle();
  expect(t.performed).toEqual(['robot.stop']);
  expect(t.results.map(outcome)).toEqual([
    { key: 'cloud/k1', status: 'performed' },
    { key: 'cloud/k1', status: 'performed' },
  ]);
});

test('keys are scoped by the calling device', async () => {
  const t = edge();
  t.call({ key: 'k1', tool: 'robot.slowDown' }, 'cloud');
  t.call({ key: 'k1', tool: 'robot.slowDown' }, 'laptop');
  await settle();
  expect(t.performed).toEqual(['robot.slowDown', 'robot.slowDown']);
});

test('refused by name: not from another device, no key, not on the allowlist; a declined risky call is not run', async () => {
  const t = edge({ answer: false });
  t.call({ key: 'k1', tool: 'robot.stop' }, null);
  t.call({ tool: 'robot.stop' });
  t.call({ key: 'k2', tool: 'robot.selfDestruct' });
  t.call({ key: 'k3', tool: 'robot.shutdown' });
  await settle();
  expect(t.performed).toEqual([]);
  const byStatus = t.results.map((r) => [r.status, 'error' in r ? r.error : '']);
  expect(byStatus).toEqual([
    ['refused', 'tool.call is taken only from another device, through the bridge'],
    ['refused', expect.stringContaining('a remote tool call needs "key"')],
    ['refused', expect.stringContaining('tool "robot.selfDestruct" is not on the allowlist')],
    ['awaiting-confirmation', ''],
    ['declined', ''],
  ]);
});

test('a tab that does not run the agents takes no calls; stop() ends taking them', async () => {
  const t = edge({ here: () => false });
  t.call({ key: 'k1', tool: 'robot.stop' });
  await settle();
  expect(t.results).toEqual([]);
  const u = edge();
  u.remote.stop();
  u.call({ key: 'k1', tool: 'robot.stop' });
  await settle();
  expect(u.performed).toEqual([]);
});
