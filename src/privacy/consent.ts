// Consent per capability and per endpoint, revocable at once. Each grant owns an AbortController: every
// request made under that grant carries its signal, so revoking aborts whatever is in flight.
import type { SentioDb } from '../storage/db';
import type { AuditLog } from './audit-log';

export interface ConsentKey {
  /** What is shared: "cloud.chat", "cloud.transcript", "cloud.audio"… */
  capability: string;
  /** Endpoint id, or "*" for every endpoint. */
  endpoint: string;
}

export interface ConsentStore {
  /** Loads what was granted before (call once before the first check). */
  load(): Promise<void>;
  grant(key: ConsentKey): Promise<void>;
  revoke(key: ConsentKey): Promise<void>;
  isGranted(key: ConsentKey): boolean;
  /** Aborts when this consent is revoked. Throws ConsentMissingError when it is not granted now. */
  signal(key: ConsentKey): AbortSignal;
  onChange(listener: (key: ConsentKey, granted: boolean) => void): () => void;
}

/**
 * The one wording of a missing consent. Errors lose their own fields when they cross to the agent worker
 * (structured clone keeps name and message), so whoever shows the message reads the key back from the text
 * (`readNoConsent`) to offer the grant for exactly that capability and endpoint.
 */
export function noConsentMessage(key: ConsentKey): string {
  return `no consent for "${key.capability}" on endpoint "${key.endpoint}"`;
}

const NO_CONSENT = /no consent for "([^"]+)" on endpoint "([^"]+)"/;

/** The capability and endpoint a `noConsentMessage` names, or null when the text names none. */
export function readNoConsent(text: string): ConsentKey | null {
  const m = NO_CONSENT.exec(text);
  return m ? { capability: m[1]!, endpoint: m[2]! } : null;
}

export class ConsentMissingError extends Error {
  override name = 'ConsentMissingError';
  constructor(readonly key: ConsentKey) {
    super(noConsentMessage(key));
  }
}

export class ConsentRevokedError extends Error {
  override name = 'ConsentRevokedError';
  constructor(readonly key: ConsentKey) {
    super(`consent for "${key.capability}" on endpoint "${key.endpoint}" was revoked`);
  }
}

export function consentId(key: ConsentKey): string {
  return `${key.capability}:${key.endpoint}`;
}

function parseId(id: string): ConsentKey {
  const i = id.indexOf(':');
  return { capability: id.slice(0, i), endpoint: id.slice(i + 1) };
}

/** What consent stores of other tabs and workers hear: a revocation there aborts requests here too. */
export type ConsentMessage =
  { type: 'consent.granted'; key: ConsentKey } | { type: 'consent.revoked'; key: ConsentKey };

/** A BroadcastChannel, or anything with its shape. */
export interface ConsentChannel {
  postMessage(message: ConsentMessage): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ConsentMessage>) => void): void;
}

export function createConsentStore(options: {
  db: SentioDb;
  audit?: AuditLog;
  now?: () => number;
  /** e.g. new BroadcastChannel('sentio.consent'): keeps every thread of the origin in step. */
  channel?: ConsentChannel;
}): ConsentStore {
  const { db, audit, channel } = options;
  const now = options.now ?? Date.now;
  const granted = new Map<string, AbortController>();
  const listeners = new Set<(key: ConsentKey, granted: boolean) => void>();

  channel?.addEventListener('message', (e) => {
    const m = e.data;
    const id = consentId(m.key);
    if (m.type === 'consent.revoked') {
      const controller = granted.get(id);
      granted.delete(id);
      controller?.abort(new ConsentRevokedError(m.key));
      emit(m.key, false);
    } else if (m.type === 'consent.granted' && !granted.has(id)) {
      granted.set(id, new AbortController());
      emit(m.key, true);
    }
  });

  function lookup(key: ConsentKey): AbortController | undefined {
    return granted.get(consentId(key)) ?? granted.get(consentId({ ...key, endpoint: '*' }));
  }

  function emit(key: ConsentKey, value: boolean): void {
    for (const l of listeners) l(key, value);
  }

  return {
    async load() {
      for (const row of await db.consent.toArray()) {
        if (row.granted === 1 && !granted.has(row.key)) granted.set(row.key, new AbortController());
      }
    },
    async grant(key) {
      const id = consentId(key);
      await db.consent.put({ key: id, granted: 1, ts: now() });
      if (!granted.has(id)) granted.set(id, new AbortController());
      channel?.postMessage({ type: 'consent.granted', key });
      await audit?.append({
        what: 'consent.grant',
        capability: key.capability,
        labels: [],
        endpoint: key.endpoint,
        bytes: 0,
        decision: 'consent',
        reason: 'granted by the user',
      });
      emit(key, true);
    },
    async revoke(key) {
      const id = consentId(key);
      const controller = granted.get(id);
      // Abort first, before any await: revoking must stop the flow at once, not after a database write.
      granted.delete(id);
      controller?.abort(new ConsentRevokedError(key));
      channel?.postMessage({ type: 'consent.revoked', key });
      await db.consent.put({ key: id, granted: 0, ts: now() });
      await audit?.append({
        what: 'consent.revoke',
        capability: key.capability,
        labels: [],
        endpoint: key.endpoint,
        bytes: 0,
        decision: 'consent',
        reason: 'revoked by the user',
      });
      emit(key, false);
    },
    isGranted: (key) => lookup(key) !== undefined,
    signal(key) {
      const c = lookup(key);
      if (!c) throw new ConsentMissingError(key);
      return c.signal;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export { parseId as parseConsentId };
