export const NO_NATS_HELP: string;
export function findNatsServer(): string | null;
export function ensureNatsServer(): string;
export function natsConfig(o: {
  host?: string;
  port: number;
  wsPort: number;
  storeDir: string;
  auth?: { token: string } | { user: string; password: string };
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
  auth?: { token: string } | { user: string; password: string };
  binary?: string | null;
  quiet?: boolean;
  ports?: { port: number; wsPort: number };
}): Promise<NatsServer>;
export function natsServerVersion(binary: string): string;
