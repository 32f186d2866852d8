// getUserMedia fails with DOMExceptions whose names are the only reliable signal; this maps them to a
// reason the app can act on and a message a person can read.
import type { ErrorReason } from './events';

export interface ExplainedMediaError {
  reason: ErrorReason;
  message: string;
}

export function explainMediaError(kind: 'camera' | 'microphone', e: unknown): ExplainedMediaError {
  const name =
    typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  const detail =
    typeof e === 'object' && e !== null && 'message' in e ? String((e as Error).message) : String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return {
        reason: 'permission-denied',
        message: `${kind} permission was denied; allow it in the site settings and start the ${kind} again`,
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return {
        reason: 'no-device',
        message: `no ${kind} was found (none plugged in, or the chosen one is gone)`,
      };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        reason: 'device-busy',
        message: `the ${kind} could not be opened: another application may be using it (${detail})`,
      };
    case 'OverconstrainedError': {
      const c = (e as { constraint?: string }).constraint;
      return {
        reason: 'overconstrained',
        message: `no ${kind} satisfies the requested ${c ? `"${c}"` : 'constraints'}`,
      };
    }
    case 'SecurityError':
      return {
        reason: 'insecure-context',
        message: `${kind} access needs a secure context (https or localhost)`,
      };
    case 'TypeError':
      return { reason: 'unsupported', message: `invalid ${kind} request: ${detail}` };
    default:
      return { reason: 'unknown', message: `the ${kind} failed: ${name ? `${name}: ` : ''}${detail}` };
  }
}
