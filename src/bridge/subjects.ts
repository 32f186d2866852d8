// Where bridged events go on NATS: `<space>.<kind>.<device>.<topic>`, kind `r` (at-most-once) or `d`
// (durable, kept by the space's JetStream stream). The sender's device is in the subject so a receiver can
// skip its own events without decoding them, and import patterns map to one subscription each.
import { assertPattern, TopicError } from '../events/topic';

const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** A bridge option that cannot work (bad pattern, device name, server URL, declassify rule); thrown at `connect`. */
export class BridgeConfigError extends Error {
  override name = 'BridgeConfigError';
}

export function checkToken(what: string, value: string): string {
  if (!TOKEN.test(value))
    throw new BridgeConfigError(`${what} "${value}" must be 1-64 characters of A-Z, a-z, 0-9, _ or -`);
  return value;
}

export function checkPattern(what: string, pattern: string): string {
  try {
    assertPattern(pattern);
  } catch (err) {
    if (err instanceof TopicError) throw new BridgeConfigError(`${what} pattern: ${err.message}`);
    throw err;
  }
  return pattern;
}

export type SubjectKind = 'r' | 'd';

export function subjectFor(space: string, kind: SubjectKind, device: string, topic: string): string {
  return `${space}.${kind}.${device}.${topic}`;
}

/** Subscription subject for a topic pattern from every device. */
export function importSubject(space: string, kind: SubjectKind, pattern: string): string {
  return `${space}.${kind}.*.${pattern}`;
}

/** The sender device of a bridged subject, or null when the subject is not one of ours. */
export function deviceOf(space: string, subject: string): string | null {
  const parts = subject.split('.');
  const spaceParts = space.split('.').length;
  if (parts.length < spaceParts + 3) return null;
  const device = parts[spaceParts + 1]!;
  return TOKEN.test(device) ? device : null;
}

export function streamName(space: string): string {
  return `SENTIO_${space.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** True for a host that never leaves the machine, where plain ws:// carries nothing over a network. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Plain ws:// to a host that is not this machine, without `allowInsecure`: refused at `connect`. */
export class InsecureServerError extends Error {
  override name = 'InsecureServerError';
}

/** Checks a server URL: ws(s):// only, and wss:// unless loopback or insisted on. */
export function checkServer(url: string, allowInsecure: boolean): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BridgeConfigError(`server "${url}" is not a URL (e.g. wss://nats.example.com:443)`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
    throw new BridgeConfigError(`server "${url}" must be a ws:// or wss:// WebSocket URL`);
  if (u.protocol === 'ws:' && !isLoopbackHost(u.hostname) && !allowInsecure)
    throw new InsecureServerError(
      `refusing plain ws:// to ${u.hostname}: events would cross the network unencrypted; use wss://, or allow insecure connections in Settings`,
    );
  return url;
}
