export type NatsAuth =
  | { token: string }
  | { user: string; password: string }
  /** A user's public NKey ("U…"). */
  | { nkey: string }
  /** Operator mode: the operator's JWT, the system account's public key, account public key → JWT. */
  | { operator: string; systemAccount: string; accounts: Record<string, string> };

export const NO_NATS_HELP: string;
export function findNatsServer(): string | null;
export function ensureNatsServer(): string;
export function natsConfig(o: {
  host?: string;
  port: number;
  wsPort: number;
  storeDir: string;
  auth?: NatsAuth;
  maxPayload?: number;
}): string;
export function freePort(host?: string, taken?: Set<number>): Promise<number>;
export interface NatsServer {
  url: string;
  wsUrl: string;
  port: number;
  wsPort: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}
export function startNatsServer(o?: {
  auth?: NatsAuth;
  binary?: string | null;
  quiet?: boolean;
  ports?: { port: number; wsPort: number };
}): Promise<NatsServer>;
export function natsServerVersion(binary: string): string;
