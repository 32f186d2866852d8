// A track can end for several reasons and the browser says only "ended". Which one it was decides what the
// app should tell the user, so it is worked out from what can still be observed afterwards.
import type { StopReason } from './events';

export interface TrackEnd {
  reason: StopReason;
  message: string;
}

type PermissionsLike = Pick<Permissions, 'query'>;

async function permissionState(
  kind: 'camera' | 'microphone',
  permissions: PermissionsLike | undefined,
): Promise<PermissionState | 'unknown'> {
  try {
    if (!permissions) return 'unknown';
    return (await permissions.query({ name: kind as PermissionName })).state;
  } catch {
    return 'unknown';
  }
}

const revoked = (kind: string): TrackEnd => ({
  reason: 'permission-revoked',
  message: `${kind} permission was revoked while it was in use`,
});

export async function classifyTrackEnd(
  kind: 'camera' | 'microphone',
  deviceId: string | undefined,
  media: Pick<MediaDevices, 'enumerateDevices'> | undefined,
  permissions: PermissionsLike | undefined = globalThis.navigator?.permissions,
): Promise<TrackEnd> {
  if ((await permissionState(kind, permissions)) === 'denied') return revoked(kind);
  if (deviceId && media) {
    try {
      const want = kind === 'camera' ? 'videoinput' : 'audioinput';
      const devices = (await media.enumerateDevices()).filter((d) => d.kind === want);
      // Without media permission the browser lists devices with blank ids (measured in Chromium after a
      // revocation, whose permission state then reads "prompt", not "denied").
      if (devices.length > 0 && devices.every((d) => d.deviceId === '')) return revoked(kind);
      if (!devices.some((d) => d.deviceId === deviceId)) {
        return { reason: 'device-unplugged', message: `the ${kind} was unplugged or disappeared` };
      }
    } catch {
      // Cannot tell: fall through to the generic reason.
    }
  }
  return {
    reason: 'track-ended',
    message: `the ${kind} track ended mid-stream (stopped by the page or the browser)`,
  };
}
