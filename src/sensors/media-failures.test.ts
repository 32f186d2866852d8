import { describe, expect, it } from 'vitest';
import { createCaptureCore } from './audio-capture-core';
import { createFrameClock } from './frame-clock';
import { explainMediaError } from './media-errors';
import { classifyTrackEnd } from './track-end';

const domError = (name: string, message = 'x', extra: object = {}) =>
  Object.assign(new Error(message), { name }, extra);

describe('explainMediaError', () => {
  it('maps getUserMedia failures to reasons and readable messages', () => {
    expect(explainMediaError('camera', domError('NotAllowedError'))).toMatchObject({
      reason: 'permission-denied',
    });
    expect(explainMediaError('camera', domError('NotFoundError')).message).toMatch(/no camera was found/);
    expect(explainMediaError('microphone', domError('NotReadableError', 'busy'))).toMatchObject({
      reason: 'device-busy',
    });
    expect(
      explainMediaError('camera', domError('OverconstrainedError', '', { constraint: 'width' })).message,
    ).toMatch(/"width"/);
    expect(explainMediaError('camera', 'weird')).toMatchObject({ reason: 'unknown' });
  });
});

describe('classifyTrackEnd', () => {
  const devices = (ids: string[]) => ({
    enumerateDevices: async () =>
      ids.map((deviceId) => ({ deviceId, kind: 'videoinput' }) as MediaDeviceInfo),
  });
  const perms = (state: PermissionState) => ({ query: async () => ({ state }) as PermissionStatus });

  it('tells revoked permission, unplugged device and a plain ended track apart', async () => {
    expect((await classifyTrackEnd('camera', 'a', devices(['a']), perms('denied'))).reason).toBe(
      'permission-revoked',
    );
    expect((await classifyTrackEnd('camera', 'a', devices(['b']), perms('granted'))).reason).toBe(
      'device-unplugged',
    );
    expect((await classifyTrackEnd('camera', 'a', devices(['a']), perms('granted'))).reason).toBe(
      'track-ended',
    );
    // Chromium after a revocation: permission reads "prompt" and devices are listed with blank ids.
    expect((await classifyTrackEnd('camera', 'a', devices(['']), perms('prompt'))).reason).toBe(
      'permission-revoked',
    );
    const broken = { query: async () => Promise.reject(new TypeError('no such permission')) };
    expect((await classifyTrackEnd('camera', undefined, undefined, broken)).reason).toBe('track-ended');
  });
});

describe('createCaptureCore', () => {
  it('turns 44.1 kHz stereo render quanta into 512-sample 16 kHz chunks with their source frame', () => {
    const core = createCaptureCore(44_100, 16_000, 512);
    const chunks: { seq: number; length: number; firstFrame: number }[] = [];
    const startFrame = 12_800;
    for (let q = 0; q < 441; q++) {
      const l = new Float32Array(128).fill(0.25);
      const r = new Float32Array(128).fill(0.75);
      core.push([l, r], startFrame + q * 128, (c) =>
        chunks.push({ seq: c.seq, length: c.samples.length, firstFrame: c.firstFrame }),
      );
    }
    // 441·128 input frames = 1.28 s → 20480 output samples less the filter delay → 39 whole chunks.
    expect(chunks.length).toBe(39);
    expect(chunks.every((c, i) => c.seq === i && c.length === 512)).toBe(true);
    expect(chunks[1]!.firstFrame - chunks[0]!.firstFrame).toBe(Math.round((512 * 44_100) / 16_000));
    expect(chunks[0]!.firstFrame).toBe(startFrame);
  });

  it('ignores an empty input (a disconnected source) without producing chunks', () => {
    const core = createCaptureCore(48_000, 16_000, 512);
    let n = 0;
    core.push([], 0, () => n++);
    core.push([new Float32Array(0)], 0, () => n++);
    expect(n).toBe(0);
  });
});

describe('createFrameClock', () => {
  it('maps frame timestamps to epoch ms from the fastest observed read', () => {
    const clock = createFrameClock(1_700_000_000_000);
    // Frame clock runs 5 s ahead of performance.now(); reads arrive 3 ms, then 1 ms after capture.
    expect(clock.epochMs(5_100_000, 103)).toBe(1_700_000_000_000 + 103);
    expect(clock.epochMs(5_166_000, 167)).toBe(1_700_000_000_000 + 167);
    expect(clock.epochMs(5_232_000, 235)).toBe(1_700_000_000_000 + 233);
  });
});
