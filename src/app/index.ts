// The PWA's shell: starts the bus hub and shows what this device can do.
import { probeCapabilities, type Capabilities } from '../platform/capabilities';
import { openBus } from '../bus/open-bus';
import type { ConnectedBus } from '../bus/hub-client';
import { installSentioGlobal, type SentioGlobal } from './sentio-global';

function row(label: string, value: string, ok: boolean | null, testId: string): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.textContent = label;
  const td = document.createElement('td');
  td.textContent = value;
  td.dataset.testid = testId;
  td.className = ok === null ? 'info' : ok ? 'ok' : 'missing';
  tr.append(th, td);
  return tr;
}

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

export function renderCapabilities(caps: Capabilities): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'capabilities';
  const gpu = caps.webgpu.available
    ? `adapter ${caps.webgpu.vendor || 'unknown vendor'}${caps.webgpu.isFallbackAdapter ? ' (software fallback)' : ''}`
    : `none: ${caps.webgpu.reason}`;
  table.append(
    row('WebGPU', gpu, caps.webgpu.available, 'cap-webgpu'),
    row('Cross-origin isolated', yesNo(caps.crossOriginIsolated), caps.crossOriginIsolated, 'cap-isolated'),
    row('SharedWorker', yesNo(caps.sharedWorker), caps.sharedWorker, 'cap-sharedworker'),
    row('OPFS', yesNo(caps.opfs), caps.opfs, 'cap-opfs'),
    row(
      'Threads',
      `${caps.hardwareConcurrency} cores, WASM threads ${caps.wasmThreads ? 'on' : 'off'}`,
      caps.wasmThreads,
      'cap-threads',
    ),
    row('Camera / microphone API', yesNo(caps.mediaDevices), caps.mediaDevices, 'cap-media'),
  );
  return table;
}

declare global {
  interface Window {
    /** The app's runtime handles, for scripting and tests from the console. */
    sentio?: { bus?: ConnectedBus } & Partial<SentioGlobal>;
  }
}

export async function startApp(root: HTMLElement): Promise<void> {
  installSentioGlobal(window);
  root.replaceChildren();
  const header = document.createElement('header');
  const h1 = document.createElement('h1');
  h1.textContent = 'Sentio';
  const tagline = document.createElement('p');
  tagline.textContent = 'Sense → reason → act, on this device.';
  header.append(h1, tagline);

  const status = document.createElement('p');
  status.dataset.testid = 'hub-status';
  status.textContent = 'Starting the bus hub…';

  const capsSection = document.createElement('section');
  const h2 = document.createElement('h2');
  h2.textContent = 'This device';
  capsSection.append(h2);
  root.append(header, status, capsSection);

  const caps = await probeCapabilities();
  capsSection.append(renderCapabilities(caps));

  try {
    const bus = openBus({ name: 'app' });
    window.sentio = { ...window.sentio, bus };
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('the bus hub did not answer within 5 s')), 5000),
    );
    const hello = await Promise.race([bus.connected, timeout]);
    const where = bus.hubConnection.kind === 'shared' ? '' : ', per-tab fallback: SharedWorker is missing';
    status.textContent = `Bus hub running (${hello.connections} connection${hello.connections === 1 ? '' : 's'}${where}).`;
    status.className = 'ok';
  } catch (err) {
    status.textContent = `Bus hub: ${(err as Error).message}`;
    status.className = 'missing';
  }
}
