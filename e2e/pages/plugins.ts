import { createSandbox } from '../../src/plugins/sandbox-frame';

declare global {
  interface Window {
    spike: (entry: string, network: string[], ms: number) => Promise<unknown[]>;
  }
}

window.spike = async (entry, network, ms) => {
  const sb = await createSandbox(document.getElementById('sandboxes')!, {
    name: 'spike',
    entry: new TextEncoder().encode(entry),
    network,
  });
  const got: unknown[] = [];
  sb.port.onmessage = (e) => {
    got.push(e.data);
    if ((e.data as { type: string }).type === 'loaded')
      sb.port.postMessage({
        type: 'init',
        id: 'spike',
        version: '1.0.0',
        kind: 'feature',
        source: 'plugin.spike',
        grants: { subscribe: [], publish: ['plugin.spike.>'], network, actuators: [], storageBytes: 0 },
      });
  };
  await new Promise((r) => setTimeout(r, ms));
  return got;
};
