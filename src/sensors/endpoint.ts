// The smallest transport a lane needs (comlink's Endpoint): a MessagePort, a Worker, a DedicatedWorker's
// `self` and Node's MessagePort all fit, so the lane logic is unit-tested in Node and used in the browser.

export interface LaneEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
  close?(): void;
}
