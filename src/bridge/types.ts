// The NATS bridge as its callers see it: options, state and stats. Shared by the page-side client and the
// worker that runs the bridge, so both ends of the comlink agree on every shape.

/** How the bridge signs in to the NATS server; never logged, never in stats or errors. */
export type Credentials =
  | { token: string }
  | { user: string; password: string }
  /** The text of a NATS .creds file (JWT + NKey seed), as `nsc` writes it. */
  | { creds: string }
  /** An NKey seed ("SU…") for a server that lists the user's public NKey. */
  | { nkeySeed: string };

/** What `bridge.connect` takes: the server, this device's name, the topics that cross, and the limits. */
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
  /** Sign-in for the server; none for an open development server. */
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

/** Where a bridge's connection stands. */
export type BridgeStateName = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** A bridge's connection: its state, the server it uses or tries, and the last error. */
export interface BridgeState {
  /** Where the connection stands. */
  state: BridgeStateName;
  /** The server connected to, or being tried. */
  server: string;
  /** What went wrong last, with its error name: "AuthorizationError: Authorization Violation". */
  lastError?: string;
  /** Connection attempts since the last success. */
  attempts: number;
}

/** Another device this bridge hears from. */
export interface PeerStats {
  /** Its name (`meta.device` of what it sends). */
  device: string;
  /** Events received from it. */
  received: number;
  /** The topic of its latest event. */
  lastTopic: string;
  /** When its latest event arrived (ms since the epoch). */
  lastTs: number;
  /** Events per second over the last few seconds. */
  rate: number;
}

/** What a bridge has done since it connected: counts by outcome, the outbox, the peers. */
export interface BridgeStats {
  /** Events sent to the server. */
  exported: number;
  /** Events from other devices published on this bus. */
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
  /** Exported events waiting (server unreachable, or JetStream not ready). */
  outboxDepth: number;
  /** The other devices heard from. */
  peers: PeerStats[];
  /** The latest errors (up to 10), newest last, each with its error name. */
  lastErrors: string[];
}
