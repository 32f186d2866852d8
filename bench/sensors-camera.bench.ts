// Camera capture → worker delivery, per frame: latency from the frame's own capture timestamp to its arrival
// in a dedicated worker (p50/p99), and main-thread time per frame. Sentio's path (createCamera + frame lane
// + a camera.<id>.frame event on the local bus) against a raw loop written here: getUserMedia →
// MediaStreamTrackProcessor → postMessage(frame, [frame]) on a MessageChannel. Both map the frame's
// timestamp to the epoch clock the same way (largest frame−read offset seen), so the ratio is fair.
import { createLocalBus } from '../src/bus/local-bus';
import { createCamera } from '../src/sensors/camera';
import { compare, percentile, runBench } from './harness';
import type { RawFrameMessage, SinkMessage } from './sensors-frame-sink.worker';

const SECONDS_PER_ROUND = 8;
const ROUNDS = 3;

interface Round {
  latencies: number[];
  mainMsPerFrame: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function collect(sink: Worker): Promise<number[]> {
  return new Promise((resolve) => {
    sink.onmessage = (e: MessageEvent<{ latencies: number[] }>) => resolve(e.data.latencies);
    sink.postMessage({ type: 'sink.collect' } satisfies SinkMessage);
  });
}

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}

async function rawRound(sink: Worker): Promise<Round> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: 640, height: 480, frameRate: { ideal: 15, max: 15 } },
  });
  const track = stream.getVideoTracks()[0]!;
  const ch = new MessageChannel();
  sink.postMessage({ type: 'sink.raw', port: ch.port2 } satisfies SinkMessage, [ch.port2]);
  await collect(sink);
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: TrackProcessorCtor })
    .MediaStreamTrackProcessor;
  const reader = new Processor({ track }).readable.getReader();
  let offset = -Infinity;
  let mainMs = 0;
  let frames = 0;
  const end = performance.now() + SECONDS_PER_ROUND * 1000;
  while (performance.now() < end) {
    const { value: frame } = await reader.read();
    if (!frame) break;
    const t0 = performance.now();
    offset = Math.max(offset, frame.timestamp / 1000 - t0);
    const ts = performance.timeOrigin + frame.timestamp / 1000 - offset;
    ch.port1.postMessage({ type: 'raw.frame', frame, ts } satisfies RawFrameMessage, [frame]);
    mainMs += performance.now() - t0;
    frames++;
  }
  await reader.cancel();
  track.stop();
  await sleep(200);
  return { latencies: await collect(sink), mainMsPerFrame: mainMs / frames };
}

async function sentioRound(sink: Worker): Promise<Round> {
  const bus = createLocalBus({ name: 'bench.camera' });
  // A bus subscriber for the metadata events, as an app would have.
  let metaEvents = 0;
  bus.subscribe('camera.*.frame', () => void metaEvents++, { qos: 'realtime' });
  const camera = createCamera({ bus, width: 640, height: 480, frameRate: 15, capture: 'track-processor' });
  const ch = new MessageChannel();
  camera.connect(ch.port1);
  sink.postMessage({ type: 'sink.lane', port: ch.port2 } satisfies SinkMessage, [ch.port2]);
  await collect(sink);
  if (!(await camera.start())) throw new Error('the camera did not start');
  await sleep(SECONDS_PER_ROUND * 1000);
  const { seq, mainThreadMs } = camera.stats();
  camera.stop();
  await sleep(200);
  if (metaEvents === 0) throw new Error('no camera.<id>.frame events reached the bus');
  return { latencies: await collect(sink), mainMsPerFrame: mainThreadMs / seq };
}

runBench(async (progress) => {
  const sink = new Worker(new URL('./sensors-frame-sink.worker.ts', import.meta.url), { type: 'module' });
  const raw: Round[] = [];
  const sentio: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    progress(`round ${i + 1}/${ROUNDS}: raw`);
    raw.push(await rawRound(sink));
    progress(`round ${i + 1}/${ROUNDS}: sentio`);
    sentio.push(await sentioRound(sink));
  }
  sink.terminate();
  const lat = (rs: Round[]) => rs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const main = (rs: Round[]) =>
    rs.map((r) => r.mainMsPerFrame).sort((a, b) => a - b)[Math.floor(rs.length / 2)]!;
  const s = lat(sentio);
  const r = lat(raw);
  if (s.length < 100 || r.length < 100)
    throw new Error(`too few frames (sentio ${s.length}, raw ${r.length})`);
  return [
    compare('sensors-camera', 'capture→worker latency p50, ms', percentile(s, 50), percentile(r, 50), 'ms', {
      op: '<=',
      ratio: 1.5,
    }),
    compare('sensors-camera', 'capture→worker latency p99, ms', percentile(s, 99), percentile(r, 99), 'ms'),
    compare('sensors-camera', 'main-thread time per frame, ms', main(sentio), main(raw), 'ms'),
    compare(
      'sensors-camera',
      `frames delivered in ${ROUNDS}×${SECONDS_PER_ROUND} s`,
      s.length,
      r.length,
      'frames',
    ),
  ];
});
