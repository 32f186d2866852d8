// Test consumer in a dedicated worker: receives camera frames over a frame lane and records, per frame, the
// metadata, the arrival time and the mean colour (so a test can tell the face photo from the coffee cup).
// `busyMs` makes it a deliberately slow consumer.
import { receiveBus } from '../../src/bus/open-bus';
import { policies } from '../../src/bus/policy';
import { createFrameReceiver } from '../../src/sensors/frame-lane';
import type { FromProbeMessage, ProbedFrame, ToProbeMessage } from './probe-protocol';

const frames: ProbedFrame[] = [];
let closedReason: string | null = null;
let busFrameEvents = 0;
// Frames come over the lane; their small metadata events come over the bus hub, like any other event.
void receiveBus(self).then((bus) =>
  bus.subscribe('camera.*.frame', () => void busFrameEvents++, { policy: policies.dropOldest(10_000) }),
);
const canvas = new OffscreenCanvas(32, 24);
const g = canvas.getContext('2d', { willReadFrequently: true })!;

function meanColour(frame: VideoFrame | ImageBitmap): [number, number, number] {
  g.drawImage(frame, 0, 0, canvas.width, canvas.height);
  const px = g.getImageData(0, 0, canvas.width, canvas.height).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < px.length; i += 4) {
    sum[0]! += px[i]!;
    sum[1]! += px[i + 1]!;
    sum[2]! += px[i + 2]!;
  }
  const n = px.length / 4;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

self.onmessage = (e: MessageEvent<ToProbeMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'probe.lane':
      createFrameReceiver<VideoFrame | ImageBitmap>(
        m.port,
        (frame, meta) => {
          const arrivedAt = performance.timeOrigin + performance.now();
          frames.push({
            ...meta,
            arrivedAt,
            mean: meanColour(frame),
            kind: frame instanceof VideoFrame ? 'VideoFrame' : 'ImageBitmap',
          });
          if (m.throwing) throw new TypeError(`probe cannot handle frame ${meta.seq}`);
          // Like a model that has made its input tensor: the camera's buffer goes back before the slow part.
          frame.close();
          if (m.busyMs > 0) {
            const until = performance.now() + m.busyMs;
            while (performance.now() < until) {
              /* a slow model */
            }
          }
        },
        { onClose: (reason) => (closedReason = reason) },
      );
      return;
    case 'probe.report': {
      const reply: FromProbeMessage = { type: 'probe.report', frames, closedReason, busFrameEvents };
      self.postMessage(reply);
      return;
    }
  }
};
