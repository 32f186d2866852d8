// Control messages between the sensors test page and its frame-probe worker (types only). Frames do not
// use this: they come over the frame lane.

export interface ProbedFrame {
  seq: number;
  /** Capture time (ms since epoch) from the lane metadata. */
  ts: number;
  /** When the worker received it (ms since epoch, worker clock). */
  arrivedAt: number;
  width: number;
  height: number;
  dropped: number;
  /** Mean R, G, B over the frame. */
  mean: [number, number, number];
  kind: string;
}

export interface ToProbe {
  'probe.lane': { port: MessagePort; busyMs: number; throwing: boolean };
  'probe.report': Record<never, never>;
}
export interface FromProbe {
  /** `busFrameEvents`: camera.*.frame metadata events that reached this worker through the bus hub. */
  'probe.report': { frames: ProbedFrame[]; closedReason: string | null; busFrameEvents: number };
}

type Tagged<M> = { [K in keyof M]: { type: K } & M[K] }[keyof M];
export type ToProbeMessage = Tagged<ToProbe>;
export type FromProbeMessage = Tagged<FromProbe>;
