// Test page for the NATS bridge: one device's bus and its bridge (the module behind `sentio.bridge`),
// plus a recorder of what arrives on the local bus.
import { createBridgeApi, type BridgeHandle } from '../../src/bridge/client';
import { openBus, startHub } from '../../src/bus/open-bus';
import type { PublishOptions } from '../../src/bus/types';

const hub = startHub();
const bus = openBus({ name: 'page', hub });
const bridge = createBridgeApi(hub);

interface Seen {
  id: string;
  topic: string;
  payload: unknown;
  device: string | undefined;
  privacy: string;
}

const seen: Seen[] = [];
const handles: Record<string, BridgeHandle> = {};

const api = {
  ready: false,
  bridge,
  handles,
  seen,
  async record(pattern: string) {
    const sub = bus.subscribe(pattern, (e) => {
      seen.push({ id: e.id, topic: e.topic, payload: e.payload, device: e.meta?.device, privacy: e.privacy });
    });
    await sub.ready;
  },
  publish(topic: string, payload: unknown, options?: PublishOptions) {
    return bus.publish(topic, payload, options).id;
  },
  flush: () => bus.flush(),
};

Object.assign(window, { bridgeTest: api });
void bus.connected.then(() => {
  api.ready = true;
  document.getElementById('status')!.textContent = 'ready';
});
