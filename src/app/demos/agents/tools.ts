// The tools the sensor monitor may call, and how risky each is. The allowlist is data shared by the agent's
// rules and the page's tool gateway (src/app/demos/tool-gateway.ts), which refuses anything not listed and
// asks the user before a risky one.
export const TOOL_ACTION = 'tool';

export type Risk = 'safe' | 'risky';

export interface ToolSpec {
  name: string;
  risk: Risk;
  /** Said to the user, in the confirmation dialog too. */
  description: string;
}

export const ROBOT_TOOLS: readonly ToolSpec[] = [
  { name: 'robot.stop', risk: 'safe', description: 'Stop the motors now; the robot can be restarted.' },
  { name: 'robot.slowDown', risk: 'safe', description: 'Run the robot at half speed.' },
  {
    name: 'robot.shutdown',
    risk: 'risky',
    description: 'Power the robot off; someone must restart it on site.',
  },
  { name: 'alert.notify', risk: 'safe', description: 'Show an alert to the user.' },
];
