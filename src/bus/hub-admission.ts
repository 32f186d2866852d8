// What the hub checks before it acts on a client's control message: the hello that admits a client, the
// acknowledgement of an interest version, credit grants, a subscription. A malformed message is refused with a named error
// naming the field; it never throws inside the hub and never touches another client.
import { assertPattern } from '../events/topic';
import type { ErrorData } from '../platform/error-data';
import type { HubSubscription } from './hub-subscription';
import { checkPolicy } from './policy';
import { PROTOCOL_VERSION, type ClientMessages, type WireSubscription } from './protocol';
import { toWireError } from './wire-error';

const CLIENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The lock a client holds for its whole life (see hub-client.ts); the hub waits on no other name. */
export function clientLockName(clientId: string): string {
  return `sentio.bus.client.${clientId}`;
}

function protocolError(message: string): ErrorData {
  return { name: 'ProtocolError', message };
}

/**
 * Why this hello cannot be admitted, or null. `inUse`: whether another live client has that id — a second
 * hello with it is refused (it used to replace the first client, so any code of the origin could cut any
 * client off by naming it).
 */
export function helloProblem(
  m: ClientMessages['hello'],
  inUse: (clientId: string) => boolean,
): ErrorData | null {
  if (m.protocol !== PROTOCOL_VERSION)
    return protocolError(`client speaks protocol ${String(m.protocol)}, hub speaks ${PROTOCOL_VERSION}`);
  if (typeof m.clientId !== 'string' || !CLIENT_ID.test(m.clientId))
    return protocolError('hello.clientId must be 1-64 characters of [A-Za-z0-9_.-]');
  if (typeof m.name !== 'string' || m.name.length < 1 || m.name.length > 128)
    return protocolError('hello.name must be a string of 1-128 characters');
  if (m.lockName !== null && m.lockName !== clientLockName(m.clientId))
    return protocolError(`hello.lockName must be null or "${clientLockName(m.clientId)}"`);
  if (inUse(m.clientId))
    return {
      name: 'ClientIdInUseError',
      message: `client id ${m.clientId} belongs to a connected client; a new client needs its own id`,
    };
  return null;
}

/** The version acknowledged, or the reason it is refused. `current`: the newest version the hub sent. */
export function ackedVersion(m: { version?: unknown }, current: number): number | ErrorData {
  const v = m?.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > current)
    return protocolError(
      `interest.ack.version must be a whole number from 0 to ${current}, the newest interest version sent (got ${JSON.stringify(v) ?? String(v)})`,
    );
  return v;
}

/** The well-formed grants of a credit message, and one error for the entries that are not. */
export function creditGrants(m: { grants?: unknown }): {
  grants: [string, number][];
  error: ErrorData | null;
} {
  const raw = m?.grants;
  if (!Array.isArray(raw))
    return {
      grants: [],
      error: protocolError('credit.grants must be an array of [subscriptionId, n] pairs'),
    };
  const grants: [string, number][] = [];
  let bad = 0;
  for (const g of raw) {
    const ok =
      Array.isArray(g) &&
      typeof g[0] === 'string' &&
      typeof g[1] === 'number' &&
      Number.isInteger(g[1]) &&
      g[1] >= 1 &&
      g[1] <= 0x7fffffff;
    if (ok) grants.push([g[0] as string, g[1] as number]);
    else bad++;
  }
  const error = bad
    ? protocolError(
        `credit.grants: ${bad} entr${bad === 1 ? 'y is' : 'ies are'} not [subscriptionId, whole number ≥ 1]`,
      )
    : null;
  return { grants, error };
}

/**
 * Why this subscription cannot be made, or null. `idInUse`: whether the id names a live subscription;
 * `durable`: the durable subscription already held under `w.durable`, if any (it may be resumed only when no
 * thread holds it and the pattern is the same).
 */
export function subscribeProblem(
  w: WireSubscription,
  idInUse: (id: string) => boolean,
  durable: HubSubscription | undefined,
): ErrorData | null {
  try {
    assertPattern(w?.pattern);
    checkPolicy(w.policy);
    if (!Number.isInteger(w.credits) || w.credits < 1)
      throw new RangeError(`credits must be a whole number ≥ 1 (got ${w.credits})`);
    if (typeof w.id !== 'string' || idInUse(w.id))
      throw new TypeError(`subscription id ${String(w.id)} is missing or already used`);
  } catch (err) {
    return toWireError(err);
  }
  if (durable?.owner)
    return {
      name: 'DurableInUseError',
      message: `durable subscription "${w.durable}" is held by client ${durable.owner.id}`,
    };
  if (durable && durable.pattern !== w.pattern)
    return {
      name: 'DurableMismatchError',
      message: `durable subscription "${w.durable}" has pattern "${durable.pattern}", not "${w.pattern}"`,
    };
  return null;
}

/** A message the port could not deserialise: what does not clone through the hub is media. */
export const UNREADABLE_MESSAGE: ErrorData = Object.freeze({
  name: 'DataCloneError',
  message:
    'a message to the hub could not be deserialised: media (VideoFrame, AudioData) cannot go through the hub; publish it on a lane',
});

/** A port must say hello before anything else. */
export function notHelloFirst(m: unknown): ErrorData {
  return protocolError(
    `expected "hello" first, got ${JSON.stringify((m as { type?: unknown } | null)?.type)}`,
  );
}
