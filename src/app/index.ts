// The PWA's shell: starts the bus hub and shows what this device can do.
import { probeCapabilities, type Capabilities } from '../platform/capabilities';
import type { HubGreetingReply } from '../bus/hub-greeting';
import { installSentioGlobal } from './sentio-global';

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

function connectHub(): Promise<HubGreetingReply> {
  const hub = new SharedWorker(new URL('../../workers/bus.shared.ts', import.meta.url), {
    type: 'module',
    name: 'sentio-bus',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bus hub did not answer within 5 s')), 5000);
    hub.port.onmessage = (e: MessageEvent<HubGreetingReply>) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    hub.onerror = () => reject(new Error('the bus hub failed to start'));
    hub.port.start();
    hub.port.postMessage({ type: 'hub.hello', client: 'app' });
  });
}

export async function startApp(root: HTMLElement): Promise<void> {
  installSentioGlobal(window as { sentio?: object });
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

  if (!caps.sharedWorker) {
    status.textContent = 'Bus hub: SharedWorker is not available in this browser.';
    return;
  }
  try {
    const hello = await connectHub();
    status.textContent = `Bus hub running (${hello.connections} connection${hello.connections === 1 ? '' : 's'}).`;
    status.className = 'ok';
  } catch (err) {
    status.textContent = `Bus hub: ${(err as Error).message}`;
    status.className = 'missing';
  }
}
