// Bench consumer: records, per frame, how long after its capture it arrived here. Serves both paths: the
// Sentio frame lane and the raw baseline's bare postMessage.
import { createFrameReceiver } from '../src/sensors/frame-lane';

export type SinkMessage =
  | { type: 'sink.lane'; port: MessagePort }
  | { type: 'sink.raw'; port: MessagePort }
  | { type: 'sink.collect' };
export type RawFrameMessage = { type: 'raw.frame'; frame: VideoFrame; ts: number };

let latencies: number[] = [];
const now = () => performance.timeOrigin + performance.now();

self.onmessage = (e: MessageEvent<SinkMessage>) => {
  const m = e.data;
  switch (m.type) {
    case 'sink.lane':
      createFrameReceiver<VideoFrame>(m.port, (frame, meta) => {
        latencies.push(now() - meta.ts);
        frame.close();
      });
      return;
    case 'sink.raw':
      m.port.onmessage = (ev: MessageEvent<RawFrameMessage>) => {
        latencies.push(now() - ev.data.ts);
        ev.data.frame.close();
      };
      return;
    case 'sink.collect':
      self.postMessage({ type: 'sink.latencies', latencies });
      latencies = [];
      return;
  }
};
