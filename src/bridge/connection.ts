// One NATS connection kept up for the bridge: connect (retrying with full-jitter backoff while the server is
// down or refuses us), follow the client's own reconnects, and say at every moment which state it is in
// and what went wrong last. Credentials go into the client's authenticators and nowhere else: never into a
// state, a message or a log line.
import {
  credsAuthenticator,
  nkeyAuthenticator,
  wsconnect,
  type ConnectionOptions,
  type NatsConnection,
} from '@nats-io/nats-core';
import { backoffDelay } from '../platform/backoff';
import type { BridgeState, Credentials } from './types';

export interface ConnectionEvents {
  /**
   * A (re)established connection: drain the outbox. `fresh`: a new connection object, on which the imports
   * must be subscribed (after the client's own reconnect, its subscriptions carry over).
   */
  up(nc: NatsConnection, fresh: boolean): void;
  /** The connection is gone for now: queue instead of sending. */
  down(): void;
  state(s: BridgeState): void;
}

const utf8 = new TextEncoder();

function authOptions(c: Credentials | undefined): Partial<ConnectionOptions> {
  if (!c) return {};
  if ('token' in c) return { token: c.token };
  if ('user' in c) return { user: c.user, pass: c.password };
  if ('creds' in c) return { authenticator: credsAuthenticator(utf8.encode(c.creds)) };
  return { authenticator: nkeyAuthenticator(utf8.encode(c.nkeySeed)) };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${err.name}: ${err.message}${cause}`;
  }
  return String(err);
}

export interface KeptConnection {
  state(): BridgeState;
  current(): NatsConnection | null;
  close(): Promise<void>;
}

export function keepConnected(
  o: { servers: string[]; name: string; credentials?: Credentials; baseMs?: number; maxMs?: number },
  on: ConnectionEvents,
): KeptConnection {
  const backoff = { baseMs: o.baseMs ?? 250, maxMs: o.maxMs ?? 10_000, random: Math.random };
  let st: BridgeState = { state: 'connecting', server: o.servers[0]!, attempts: 0 };
  let nc: NatsConnection | null = null;
  let closing = false;
  let wake: (() => void) | null = null;
  let reconnects = 0;

  const set = (patch: Partial<BridgeState>) => {
    st = { ...st, ...patch };
    on.state(st);
  };

  async function pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    wake = null;
  }

  async function follow(conn: NatsConnection): Promise<void> {
    for await (const s of conn.status()) {
      if (s.type === 'disconnect') {
        set({ state: 'reconnecting', lastError: `ConnectionLost: lost ${s.server}` });
        on.down();
      } else if (s.type === 'reconnect') {
        reconnects = 0;
        set({ state: 'connected', server: s.server, attempts: 0 });
        on.up(conn, false);
      } else if (s.type === 'reconnecting') set({ attempts: st.attempts + 1 });
      else if (s.type === 'error') set({ lastError: describe(s.error) });
    }
  }

  async function run(): Promise<void> {
    let first = true;
    while (!closing) {
      try {
        nc = await wsconnect({
          servers: o.servers,
          name: o.name,
          timeout: 5000,
          maxReconnectAttempts: -1,
          // The client's own reconnects use our backoff (full jitter), not its fixed wait.
          reconnectDelayHandler: () => backoffDelay(++reconnects, backoff),
          ...authOptions(o.credentials),
        });
      } catch (err) {
        set({
          state: first ? 'connecting' : 'reconnecting',
          lastError: describe(err),
          attempts: st.attempts + 1,
        });
        if (!closing) await pause(backoffDelay(st.attempts, backoff));
        continue;
      }
      const conn = nc;
      on.up(conn, true);
      first = false;
      void follow(conn);
      // "connected" means what we import is live: once flush() returns, the server has our subscriptions.
      await conn.flush().catch(() => undefined);
      if (nc === conn && !conn.isClosed()) set({ state: 'connected', server: conn.getServer(), attempts: 0 });
      const err = await conn.closed();
      nc = null;
      if (closing) break;
      // The client gave up (e.g. the server now refuses our credentials): start over, with backoff.
      on.down();
      set({
        state: 'reconnecting',
        lastError: err ? describe(err) : 'ConnectionClosed: closed by the server',
      });
      await pause(backoffDelay(st.attempts + 1, backoff));
    }
    set({ state: 'closed' });
  }

  void run();
  return {
    state: () => st,
    current: () => nc,
    async close() {
      closing = true;
      wake?.();
      // Closing a connection that is reconnecting to a vanished server can wait; do not hang the caller.
      await Promise.race([nc?.close(), new Promise((r) => setTimeout(r, 2000))]);
      set({ state: 'closed' });
    },
  };
}
