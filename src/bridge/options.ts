// Bridge options checked and completed once, before anything connects: a bad option is a clear error at
// `connect`, not a silent misbehaviour later.
import { BridgeConfigError, checkPattern, checkServer, checkToken } from './subjects';
import type { BridgeOptions } from './types';
import { declassifyRules } from './edge';

export type ResolvedOptions = Required<Omit<BridgeOptions, 'credentials'>> &
  Pick<BridgeOptions, 'credentials'> & { servers: string[] };

export function resolveOptions(o: BridgeOptions): ResolvedOptions {
  const servers = (Array.isArray(o.servers) ? o.servers : [o.servers]).filter(Boolean);
  if (!servers.length) throw new BridgeConfigError('servers: give at least one wss:// URL');
  const allowInsecure = o.allowInsecure ?? false;
  for (const s of servers) checkServer(s, allowInsecure);
  if (!Array.isArray(o.export) || !Array.isArray(o.import))
    throw new BridgeConfigError('export and import must be arrays of topic patterns');
  const durable = o.durable ?? [];
  for (const p of o.export) checkPattern('export', p);
  for (const p of o.import) checkPattern('import', p);
  for (const p of durable) checkPattern('durable', p);
  const declassify = { ...(o.declassify ?? {}) };
  for (const p of Object.keys(declassify)) checkPattern('declassify', p);
  declassifyRules(declassify);
  const positive = (what: string, v: number | undefined, dflt: number) => {
    const n = v ?? dflt;
    if (!(Number.isFinite(n) && n > 0)) throw new BridgeConfigError(`${what} must be a positive number`);
    return n;
  };
  return {
    servers,
    device: checkToken('device', o.device),
    export: [...o.export],
    import: [...o.import],
    durable: [...durable],
    declassify,
    ...(o.credentials ? { credentials: o.credentials } : {}),
    space: checkToken('space', o.space ?? 'sentio'),
    clearance: o.clearance ?? 'private',
    allowInsecure,
    outboxLimit: positive('outboxLimit', o.outboxLimit, 1000),
    maxInboundBytes: positive('maxInboundBytes', o.maxInboundBytes, 256 * 1024),
    maxInboundRate: positive('maxInboundRate', o.maxInboundRate, 200),
  };
}

/** The consent scope for a bridge: its first server, without credentials in the URL. */
export function endpointId(servers: string[]): string {
  const u = new URL(servers[0]!);
  return `${u.protocol}//${u.host}`;
}
