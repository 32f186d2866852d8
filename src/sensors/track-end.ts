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

export async function classifyTrackEnd(
  kind: 'camera' | 'microphone',
  deviceId: string | undefined,
  media: Pick<MediaDevices, 'enumerateDevices'> | undefined,
  permissions: PermissionsLike | undefined = globalThis.navigator?.permissions,
): Promise<TrackEnd> {
  if ((await permissionState(kind, permissions)) === 'denied') {
    return { reason: 'permission-revoked', message: `${kind} permission was revoked while it was in use` };
  }
  if (deviceId && media) {
    try {
      const want = kind === 'camera' ? 'videoinput' : 'audioinput';
      const present = (await media.enumerateDevices()).some(
        (d) => d.kind === want && d.deviceId === deviceId,
      );
      if (!present)
        return { reason: 'device-unplugged', message: `the ${kind} was unplugged or disappeared` };
    } catch {
      // Cannot tell: fall through to the generic reason.
    }
  }
  return {
    reason: 'track-ended',
    message: `the ${kind} track ended mid-stream (stopped by the page or the browser)`,
  };
}
