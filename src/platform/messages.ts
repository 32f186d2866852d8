// What every thread boundary of the runtime is typed with: a map of message names to their fields becomes a
// union tagged by `type`, and every transport (a MessagePort, a Worker, a worker's `self`, Node's MessagePort in
// tests) reduces to one Endpoint, as in comlink.

/** `{ a: { x: number } }` → `{ type: 'a'; x: number }`, one member per message name. */
export type Tagged<M> = { [K in keyof M]: { type: K } & M[K] }[keyof M];

export interface Endpoint<In = unknown, Out = unknown> {
  postMessage(message: Out, transfer?: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror', listener: (e: MessageEvent<In>) => void): void;
  removeEventListener(type: 'message' | 'messageerror', listener: (e: MessageEvent<In>) => void): void;
  start?(): void;
  close?(): void;
}
