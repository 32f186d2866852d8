// The NATS bridge as its callers see it: options, state and stats. Shared by the page-side client and the
// worker that runs the bridge, so both ends of the comlink agree on every shape.

export type Credentials =
  | { token: string }
  | { user: string; password: string }
  /** The text of a NATS .creds file (JWT + NKey seed), as `nsc` writes it. */
  | { creds: string }
  /** An NKey seed ("SU…") for a server that lists the user's public NKey. */
  | { nkeySeed: string };

export interface BridgeOptions {
  /** WebSocket URLs of the NATS server(s): wss:// anywhere, ws:// only to loopback unless `allowInsecure`. */
  servers: string | string[];
  /** This device's name: one subject token, [A-Za-z0-9_-]. Set as `meta.device` on what others receive. */
  device: string;
  /** Local topic patterns to send (NATS syntax: `*`, `>`). */
  export: string[];
  /** Topic patterns to receive from other devices. */
  import: string[];
  /** Of the exported patterns, those kept in a JetStream stream so an offline device catches up (opt-in). */
  durable?: string[];
  credentials?: Credentials;
  /** Subject prefix shared by one person's devices; one subject token. Default "sentio". */
  space?: string;
  /** The most sensitive label the server may receive; 'private' (the default) still needs consent. */
  clearance?: 'private' | 'public';
  /** Plain ws:// to a non-loopback host: refused unless the user insists. */
  allowInsecure?: boolean;
  /**
   * Exported `local` topics that may cross through a declared declassification step (topic pattern → step id,
   * e.g. `{ 'vision.face.expression': 'expression.devices' }`): each event is reduced by the step and relabelled
   * `private`, only while the person consents to the step's capability for this server (and to `bridge`, as
   * for any private event). Audited. Without a rule a `local` event never leaves.
   */
  declassify?: Record<string, string>;
  /** Events kept while the server is unreachable. Default 1000. */
  outboxLimit?: number;
  /** Largest event accepted from the wire, in bytes. Default 256 KiB. */
  maxInboundBytes?: number;
  /** Events per second accepted from one device (token bucket, burst = 2 s worth). Default 200. */
  maxInboundRate?: number;
}

export type BridgeStateName = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface BridgeState {
  state: BridgeStateName;
  server: string;
  /** What went wrong last, with its error name: "AuthorizationError: Authorization Violation". */
  lastError?: string;
  /** Connection attempts since the last success. */
  attempts: number;
}

export interface PeerStats {
  device: string;
  received: number;
  lastTopic: string;
  lastTs: number;
  /** Events per second over the last few seconds. */
  rate: number;
}

export interface BridgeStats {
  exported: number;
  imported: number;
  /**
   * Events not sent, by reason: local, no-consent, clearance, declassify-no-consent, declassify-failed,
   * realtime-offline, overflow, revoked.
   */
  withheld: Record<string, number>;
  /** Arriving messages refused, by error name: EventValidationError, OversizeError, RateLimitedError… */
  rejected: Record<string, number>;
  /** Arrivals already seen (redelivery), dropped. */
  duplicates: number;
  outboxDepth: number;
  peers: PeerStats[];
  lastErrors: string[];
}
