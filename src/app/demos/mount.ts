// The agents and their four demos in the dashboard: starts the app's agent host (`sentio.agents`) with
// the demos' actuators — labelled publishing and the tool gateway — and adds the agents panel and the demo
// cards to the grid.
import { requestAgentsView, type AgentsRuntime, type AgentsView, type Sentio } from '../../index';
import { publishActuator, PUBLISH_ACTION } from './agents/labelled-publish';
import { NOTES_AGENT, type NotesState } from './agents/meeting-notes';
import { ROBOT_TOOLS, TOOL_ACTION } from './agents/tools';
import { createAgentsPanel } from '../agents/agents-panel';
import { createEmotionCard } from './emotion-card';
import { createGestureCard } from './gesture-card';
import { createMonitorCard } from './monitor-card';
import { createNotesCard } from './notes-card';
import { createSimulatedRobot } from './simulated-robot';
import { createToolGateway } from './tool-gateway';
import { acceptRemoteToolCalls } from './remote-tools';
import type { ToolResult } from './agents/topics';

/**
 * Starts the app's agents on `sentio.agents` (its router's infer and declassifier, its tracer) and lays out
 * their panel and cards. `sentio.agents.inspect()` is then the running host's view, for scripts and tests.
 */
export function mountAgents(
  grid: HTMLElement,
  sentio: Pick<Sentio, 'bus' | 'agents' | 'privacy'>,
  /** `storageBucket`: the agents' database in that Storage Bucket (the chaos test's full disk: see ../index.ts). */
  o: { storageBucket?: string } = {},
): AgentsRuntime {
  const { bus } = sentio;
  const robot = createSimulatedRobot({ bus });
  const monitor = createMonitorCard(bus, robot);
  const reportTool = (r: ToolResult) =>
    void bus.publish('tool.result', r, { privacy: 'private', qos: 'batched' });
  const gateway = createToolGateway({
    allowlist: ROBOT_TOOLS,
    tools: {
      ...robot.tools,
      'alert.notify': (c) => monitor.alert(String(c.args?.message ?? c.reason ?? 'alert')),
    },
    confirm: (r) => monitor.confirm(r),
    report: reportTool,
  });
  const runtime = sentio.agents.start({
    worker: (name) =>
      new Worker(new URL('../../../workers/agent.worker.ts', import.meta.url), { type: 'module', name }),
    actuators: { [PUBLISH_ACTION]: publishActuator(bus), [TOOL_ACTION]: (a) => gateway.perform(a) },
    ...(o.storageBucket !== undefined ? { storageBucket: o.storageBucket } : {}),
  });

  // The simulated robot lives where the agents run: one robot, whatever the number of tabs.
  const follow = () => {
    const here = runtime.status().kind === 'running';
    monitor.setControls(
      here,
      here
        ? 'The robot runs in this tab, next to the agents.'
        : 'The robot runs in the tab that runs the agents; its readings show here.',
    );
  };
  follow();
  runtime.onStatus(follow);
  acceptRemoteToolCalls({
    bus,
    gateway,
    here: () => runtime.status().kind === 'running',
    report: reportTool,
  });

  const settled = () =>
    new Promise<void>((done) => {
      if (runtime.status().kind !== 'starting') return done();
      const off = runtime.onStatus((s) => {
        if (s.kind === 'starting') return;
        off();
        done();
      });
    });
  const view = async (): Promise<AgentsView | null> => {
    await settled();
    return runtime.status().kind === 'running' ? runtime.inspect() : requestAgentsView(bus);
  };
  const notesState = async () =>
    ((await view())?.agents.find((a) => a.snapshot.id === NOTES_AGENT)?.snapshot.state as NotesState) ?? null;

  // The cards' one-click grants go through the same consent store as Settings (audited there).
  const grant = (key: { capability: string; endpoint: string }) => sentio.privacy.consent.grant(key);
  grid.append(
    createAgentsPanel(bus, runtime),
    createEmotionCard(bus, grant),
    createNotesCard(bus, notesState, grant),
    createGestureCard(bus),
    monitor.element,
  );
  return runtime;
}
