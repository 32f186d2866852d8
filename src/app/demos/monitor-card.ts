// The sensor monitor's card: our simulated robot (said plainly: it is not a real device) with buttons to
// inject faults, the tool calls the safety rules made and what became of them, and the question the user
// must answer before a risky tool runs.
import type { Bus } from '../../index';
import type { DemoEvents, ToolResult } from './agents/topics';
import { el, section } from '../dom';
import { prependCapped, timeOf } from './card-kit';
import type { SimulatedRobot } from './simulated-robot';
import type { ConfirmRequest } from './tool-gateway';

const STATUS_TEXT: Record<ToolResult['status'], string> = {
  performed: 'performed',
  'awaiting-confirmation': 'waiting for your answer',
  declined: 'declined by you: not performed',
  refused: 'refused',
  failed: 'failed',
};

export function resultLine(r: ToolResult): string {
  const confirmed = r.status === 'performed' && r.confirmed ? ' after you confirmed' : '';
  const why = r.call.reason ? ` (${r.call.reason})` : '';
  const error = r.status === 'refused' || r.status === 'failed' ? `: ${r.error}` : '';
  return `${r.call.tool}${why}: ${STATUS_TEXT[r.status]}${confirmed}${error}`;
}

export interface MonitorCard {
  element: HTMLElement;
  /** Asks the user about a risky tool call (the tool gateway's `confirm`). */
  confirm(request: ConfirmRequest): Promise<boolean>;
  alert(message: string): void;
  /** Turns the robot's buttons on where it may run (the tab that runs the agents). */
  setControls(enabled: boolean, note: string): void;
}

/** Remote calls are keyed `<device>/<key>` (remote-tools.ts); the sensor monitor's own keys have no slash. */
function askerOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? `Device "${key.slice(0, slash)}"` : 'The sensor monitor';
}

export function createMonitorCard(bus: Bus, robot: SimulatedRobot): MonitorCard {
  const state = el('dd', { testId: 'robot-state', text: '–' });
  const temperature = el('dd', { testId: 'robot-temperature', text: '–' });
  const vibration = el('dd', { testId: 'robot-vibration', text: '–' });
  const button = (text: string, testId: string, onClick: () => void) => {
    const b = el('button', { text, testId, attrs: { type: 'button' } });
    b.addEventListener('click', onClick);
    return b;
  };
  let allowedHere = false;
  const faults = [
    button('Inject overheat', 'inject-overheat', () => robot.inject('overheat')),
    button('Inject vibration', 'inject-vibration', () => robot.inject('vibration')),
    button('Reset robot', 'robot-reset', () => robot.reset()),
  ];
  const power = button('', 'robot-power', () => {
    if (robot.running()) {
      robot.stop();
      state.textContent = 'powered off';
    } else robot.start();
    refresh();
  });
  const refresh = () => {
    power.disabled = !allowedHere;
    power.textContent = robot.running() ? 'Power off the simulated robot' : 'Power on the simulated robot';
    for (const b of faults) b.disabled = !allowedHere || !robot.running();
  };
  refresh();
  const controlsNote = el('p', { className: 'meta', testId: 'robot-controls-note' });
  const confirmations = el('div', { testId: 'tool-confirmations' });
  const alerts = el('ul', { className: 'demo-list', testId: 'monitor-alerts' });
  const history = el('ul', { className: 'demo-list', testId: 'tool-history' });

  bus.subscribe('sim.robot.telemetry', (e) => {
    const t = e.payload as DemoEvents['sim.robot.telemetry'];
    state.textContent = t.state;
    temperature.textContent = `${t.temperatureC.toFixed(1)} °C`;
    vibration.textContent = `${t.vibrationG.toFixed(2)} g`;
  });
  bus.subscribe('tool.result', (e) => {
    const r = e.payload as ToolResult;
    const li = el('li', { testId: 'tool-result', text: `${timeOf(r.at)} ${resultLine(r)}` });
    li.dataset.tool = r.call.tool;
    li.dataset.status = r.status;
    prependCapped(history, li, 12);
  });

  const element = section(
    'Sensor monitor',
    'demo-monitor',
    el('p', {
      className: 'simulated',
      testId: 'robot-simulated',
      text: `Simulated robot "${robot.id}": not a real device. Its readings feed the safety rules.`,
    }),
    el(
      'dl',
      { className: 'robot-readings' },
      el('div', {}, el('dt', { text: 'State' }), state),
      el('div', {}, el('dt', { text: 'Temperature' }), temperature),
      el('div', {}, el('dt', { text: 'Vibration' }), vibration),
    ),
    el('div', { className: 'robot-controls' }, power, ...faults),
    controlsNote,
    confirmations,
    el('h3', { text: 'Tool calls' }),
    history,
    alerts,
  );

  return {
    element,
    confirm(request) {
      return new Promise<boolean>((answer) => {
        const title = `Allow ${request.call.tool}?`;
        const box = el(
          'div',
          {
            className: 'confirm',
            testId: 'tool-confirm',
            attrs: { role: 'alertdialog', 'aria-label': title },
          },
          el('p', { className: 'confirm-title', text: title }),
          el('p', {
            text:
              `${askerOf(request.key)} asks for a risky tool${request.call.reason ? ` because of ${request.call.reason}` : ''}: ` +
              request.spec.description,
          }),
        );
        const decide = (yes: boolean) => () => {
          box.remove();
          answer(yes);
        };
        box.append(
          button('Allow', 'confirm-allow', decide(true)),
          button('Decline', 'confirm-decline', decide(false)),
        );
        confirmations.append(box);
      });
    },
    alert(message) {
      prependCapped(alerts, el('li', { testId: 'monitor-alert', text: message }), 5);
    },
    setControls(enabled, note) {
      allowedHere = enabled;
      refresh();
      controlsNote.textContent = note;
    },
  };
}
