// The wire format of the one MessagePort between the plugin host (app page) and a sandboxed plugin. Every
// message is `{ type, ...payload }` with the payload given by a map from tag to fields, so a `switch` on
// `type` narrows without casts. Messages from the plugin are untrusted: parsePluginMessage checks them.
import type { SentioEvent } from '../events/event';
import type { ErrorData } from '../platform/error-data';
import type { ActuatorName, PluginKind } from './manifest';
import type { Tagged } from '../platform/messages';

/** What the sandbox is told it may do (a subset of what its manifest asked for). */
export interface GrantedCapabilities {
  subscribe: string[];
  publish: string[];
  network: string[];
  actuators: ActuatorName[];
  storageBytes: number;
}

export type RefusalKind =
  | 'subscribe'
  | 'publish'
  | 'invalid'
  | 'source'
  | 'privacy'
  | 'rate'
  | 'actuator'
  | 'storage'
  | 'message'
  | 'size';

export interface HostToPluginMap {
  init: { id: string; version: string; kind: PluginKind; source: string; grants: GrantedCapabilities };
  events: { events: SentioEvent[] };
  subscribed: { requestId: number; pattern: string };
  acted: { requestId: number; ok: boolean; error?: ErrorData };
  /** Answer to a storage request; `value` for a get (undefined when the key is absent). */
  stored: { requestId: number; value?: unknown };
  refused: { requestId?: number; what: RefusalKind; reason: string };
  ping: { seq: number };
}

export interface PluginHealth {
  ok: boolean;
  detail?: string;
}

export interface PluginToHostMap {
  /** The entry ran and called definePlugin. */
  loaded: Record<never, never>;
  /** init() finished. */
  ready: Record<never, never>;
  publish: { events: unknown[] };
  subscribe: { requestId: number; pattern: string };
  act: { requestId: number; actuator: string; args: unknown };
  /** Host-kept key-value storage within the granted quota (the sandbox has no storage of its own). */
  storage: { requestId: number; op: 'get' | 'set' | 'delete'; key: string; value?: unknown };
  /** Acknowledges `count` delivered events as handled: the host's in-flight window moves on. */
  done: { count: number };
  pong: { seq: number; health?: PluginHealth };
  /** An error in init, in an event handler, or uncaught in the sandbox; the plugin keeps running. */
  error: { phase: 'init' | 'event' | 'runtime'; error: ErrorData; eventId?: string };
  /** The plugin cannot run at all (the entry failed to load, or did not define a plugin). */
  fault: { error: ErrorData };
}

export type HostToPlugin = Tagged<HostToPluginMap>;
export type PluginToHost = Tagged<PluginToHostMap>;

/** First message from the host page to the sandbox document (window.postMessage, carrying the port). */
export interface SandboxBoot {
  type: 'sentio.sandbox.boot';
  /** Source of the worker runtime (sandbox-runtime.ts). */
  runtime: string;
  /** The plugin's entry bytes, exactly as signed. */
  entry: ArrayBuffer;
  name: string;
}

export type ParsedPluginMessage = { ok: true; message: PluginToHost } | { ok: false; reason: string };

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Checks the shape of an untrusted message; payload contents (events, args) are checked by the host. */
export function parsePluginMessage(x: unknown): ParsedPluginMessage {
  if (!isObj(x) || typeof x.type !== 'string')
    return { ok: false, reason: 'a message must be an object with a type' };
  const bad = (reason: string): ParsedPluginMessage => ({
    ok: false,
    reason: `${String(x.type)}: ${reason}`,
  });
  const msg = x as PluginToHost;
  switch (msg.type) {
    case 'loaded':
    case 'ready':
      return { ok: true, message: msg };
    case 'publish':
      return Array.isArray(msg.events) ? { ok: true, message: msg } : bad('events must be an array');
    case 'subscribe':
      if (!isInt(msg.requestId)) return bad('requestId must be a non-negative integer');
      return typeof msg.pattern === 'string' ? { ok: true, message: msg } : bad('pattern must be a string');
    case 'act':
      if (!isInt(msg.requestId)) return bad('requestId must be a non-negative integer');
      return typeof msg.actuator === 'string' ? { ok: true, message: msg } : bad('actuator must be a string');
    case 'storage':
      if (!isInt(msg.requestId)) return bad('requestId must be a non-negative integer');
      if (msg.op !== 'get' && msg.op !== 'set' && msg.op !== 'delete')
        return bad('op must be get, set or delete');
      return typeof msg.key === 'string' ? { ok: true, message: msg } : bad('key must be a string');
    case 'done':
      return isInt(msg.count) ? { ok: true, message: msg } : bad('count must be a non-negative integer');
    case 'pong':
      return isInt(msg.seq) ? { ok: true, message: msg } : bad('seq must be a non-negative integer');
    case 'error':
      if (msg.phase !== 'init' && msg.phase !== 'event' && msg.phase !== 'runtime')
        return bad('phase must be init, event or runtime');
      return { ok: true, message: msg };
    case 'fault':
      return { ok: true, message: msg };
    default:
      return {
        ok: false,
        reason: `unknown message type "${String((x as { type: unknown }).type).slice(0, 40)}"`,
      };
  }
}
