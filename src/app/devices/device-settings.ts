// What the Devices panel keeps in this browser's settings table, and how it becomes bridge options. The secret
// of whichever credential kind is chosen is stored like the cloud endpoints' keys (in this browser only) and
// goes nowhere but the bridge's connection options.
import type { BridgeOptions, Credentials } from '../../index';

export type AuthKind = 'none' | 'token' | 'user' | 'nkey' | 'creds';

export const AUTH_KINDS: readonly (readonly [AuthKind, string])[] = [
  ['none', 'None'],
  ['token', 'Token'],
  ['user', 'User and password'],
  ['nkey', 'NKey seed'],
  ['creds', 'Credentials file (.creds: JWT + NKey)'],
];

export interface DeviceSettings {
  server: string;
  device: string;
  exportTopics: string;
  importTopics: string;
  durableTopics: string;
  auth: AuthKind;
  user: string;
  /** The token, the password or the NKey seed, by `auth`. */
  secret: string;
  /** The text of a .creds file. */
  creds: string;
  /** Plain ws:// to another machine: the bridge refuses it unless the person ticks this. */
  allowInsecure: boolean;
  privateConsent: boolean;
  /**
   * Consent to the `expression.devices` step: this camera's expression readings cross, reduced to the
   * expression word and score (never an image or a face box), as private events.
   */
  shareExpressions: boolean;
}

export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = {
  server: 'ws://127.0.0.1:9222',
  device: 'this-device',
  exportTopics: 'vision.face.expression',
  importTopics: 'vision.face.expression',
  durableTopics: '',
  auth: 'none',
  user: '',
  secret: '',
  creds: '',
  allowInsecure: false,
  privateConsent: false,
  shareExpressions: false,
};

/** The one local topic the panel lets cross, through its declared step (see `shareExpressions`). */
export const EXPRESSION_STEP = { topic: 'vision.face.expression', step: 'expression.devices' } as const;

/** A stored row, from this version or from before credential kinds (a bare `token`). */
export function readDeviceSettings(stored: unknown, defaults = DEFAULT_DEVICE_SETTINGS): DeviceSettings {
  const row = (stored && typeof stored === 'object' ? stored : {}) as Partial<DeviceSettings> & {
    token?: string;
  };
  const { token, ...rest } = row;
  // A consent is only ever an explicit true: anything else stored there (an older row, nonsense) is no.
  const s = { ...defaults, ...rest, shareExpressions: rest.shareExpressions === true };
  if (token && !row.auth) return { ...s, auth: 'token', secret: token };
  if (!AUTH_KINDS.some(([k]) => k === s.auth)) return { ...s, auth: 'none' };
  return s;
}

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

function credentials(s: DeviceSettings): Credentials | undefined {
  switch (s.auth) {
    case 'none':
      return undefined;
    case 'token':
      return { token: s.secret };
    case 'user':
      return { user: s.user, password: s.secret };
    case 'nkey':
      return { nkeySeed: s.secret.trim() };
    case 'creds':
      return { creds: s.creds };
  }
}

export function toBridgeOptions(s: DeviceSettings): BridgeOptions {
  const creds = credentials(s);
  return {
    servers: s.server,
    device: s.device,
    export: list(s.exportTopics),
    import: list(s.importTopics),
    durable: list(s.durableTopics),
    // Declared always, so ticking the box later works without a reconnect; nothing crosses without consent.
    declassify: { [EXPRESSION_STEP.topic]: EXPRESSION_STEP.step },
    ...(creds ? { credentials: creds } : {}),
    ...(s.allowInsecure ? { allowInsecure: true } : {}),
  };
}
