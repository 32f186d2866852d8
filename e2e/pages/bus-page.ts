// Test page: a bus in the page plus helpers to spawn bus workers and talk raw protocol to the hub.
import * as Comlink from 'comlink';
import { handBusTo, openBus, startHub } from '../../src/bus/open-bus';
import type { SentioEvent } from '../../src/events/event';
import type { HubMessage } from '../../src/bus/protocol';
import type { BusWorkerApi } from './bus-worker-api';

const hub = startHub();
const bus = openBus({ name: `page.${Math.random().toString(36).slice(2, 6)}`, hub });
const workers = new Map<string, Worker>();
const pageReceived: { topic: string; payload: unknown; source: string }[] = [];

async function spawnWorker(name: string): Promise<void> {
  const worker = new Worker(new URL('./bus-test.worker.ts', import.meta.url), { type: 'module', name });
  handBusTo(worker, hub, name);
  const ch = new MessageChannel();
  worker.postMessage({ type: 'test.control', port: ch.port2 }, [ch.port2]);
  workers.set(name, worker);
  apis.set(name, Comlink.wrap<BusWorkerApi>(ch.port1));
}
const apis = new Map<string, Comlink.Remote<BusWorkerApi>>();

/** Speaks the hub protocol directly on a fresh port, as a misbehaving client would. */
async function rawClient(messages: unknown[]): Promise<HubMessage[]> {
  const port = hub.connect();
  const replies: HubMessage[] = [];
  port.onmessage = (e: MessageEvent<HubMessage>) => replies.push(e.data);
  for (const m of messages) port.postMessage(m);
  await new Promise((r) => setTimeout(r, 300));
  port.close();
  return replies.filter((r) => r.type !== 'interest');
}

/**
 * Like rawClient, but waits for `count` replies (not counting interest updates) instead of a fixed time, up
 * to a generous deadline: a 40 MB message to the hub takes longer than 300 ms on a loaded machine.
 */
async function rawExchange(count: number, messages: unknown[]): Promise<HubMessage[]> {
  const port = hub.connect();
  const replies: HubMessage[] = [];
  await new Promise<void>((done) => {
    const deadline = setTimeout(done, 30_000);
    port.onmessage = (e: MessageEvent<HubMessage>) => {
      if (e.data.type !== 'interest') replies.push(e.data);
      if (replies.length >= count) {
        clearTimeout(deadline);
        done();
      }
    };
    for (const m of messages) port.postMessage(m);
  });
  port.close();
  return replies;
}

/** A raw port that stays open (a hostile client that lingers), addressed by a name the test picks. */
const rawPorts = new Map<string, { port: MessagePort; replies: HubMessage[] }>();
function rawOpen(id: string, messages: unknown[]): void {
  const port = hub.connect();
  const entry = { port, replies: [] as HubMessage[] };
  port.onmessage = (e: MessageEvent<HubMessage>) => void entry.replies.push(e.data);
  rawPorts.set(id, entry);
  for (const m of messages) port.postMessage(m);
}

const testApi = {
  kind: hub.kind,
  bus,
  pageReceived,
  spawnWorker,
  worker: (name: string) => apis.get(name)!,
  kill(name: string) {
    workers.get(name)?.terminate();
    workers.delete(name);
    apis.delete(name);
  },
  subscribeInPage(pattern: string) {
    const sub = bus.subscribe(
      pattern,
      (e: SentioEvent) => void pageReceived.push({ topic: e.topic, payload: e.payload, source: e.source }),
    );
    return sub.ready.then(() => sub.id);
  },
  rawClient,
  rawExchange,
  rawOpen,
  rawSend: (id: string, m: unknown) => rawPorts.get(id)!.port.postMessage(m),
  rawReplies: (id: string) => rawPorts.get(id)!.replies.filter((r) => r.type !== 'interest'),
  rawClose(id: string) {
    rawPorts.get(id)?.port.close();
    rawPorts.delete(id);
  },
};

declare global {
  interface Window {
    busTest: typeof testApi;
  }
}
window.busTest = testApi;
void bus.connected.then(({ hubId }) => {
  document.getElementById('status')!.textContent = `connected to ${hub.kind} hub ${hubId}`;
});
