// Microphone: delivery jitter of 32 ms chunks on the page (|interval − 32 ms|, p50/p99) for Sentio's path
// (AudioWorklet + band-limited resampling to 16 kHz + chunking + publishing on the local bus) against a raw
// AudioWorklet that only copies channel 0 into 32 ms blocks; and the CPU share of the capture work itself
// (the worklet's per-quantum logic, timed on the page over 10 s of 44.1 kHz stereo) against the raw copy.
import rawWorkletUrl from './raw-capture.worklet.ts?worker&url';
import { createLocalBus } from '../src/bus/local-bus';
import { createCaptureCore } from '../src/sensors/audio-capture-core';
import { createMicrophone } from '../src/sensors/microphone';
import { compare, percentile, runBench } from './harness';

const SECONDS = 10;
/** Raw and Sentio alternate so both see the same load on this shared machine. */
const ROUNDS = 3;
const ROUND_SECONDS = 6;
const CHUNK_MS = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function jitter(arrivals: number[]): number[] {
  const out: number[] = [];
  // The first second is start-up (worklet load, first render quanta): left out for both paths.
  for (let i = 32; i < arrivals.length; i++) out.push(Math.abs(arrivals[i]! - arrivals[i - 1]! - CHUNK_MS));
  return out.sort((a, b) => a - b);
}

async function sentioArrivals(): Promise<number[]> {
  const bus = createLocalBus({ name: 'bench.audio' });
  const arrivals: number[] = [];
  bus.subscribe('audio.main.chunk', () => void arrivals.push(performance.now()), { qos: 'realtime' });
  const mic = createMicrophone({
    bus,
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
  });
  if (!(await mic.start())) throw new Error('the microphone did not start');
  await sleep(ROUND_SECONDS * 1000);
  mic.stop();
  return arrivals;
}

async function rawArrivals(): Promise<{ arrivals: number[]; rate: number }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule(rawWorkletUrl);
  const node = new AudioWorkletNode(ctx, 'raw-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
  const arrivals: number[] = [];
  node.port.onmessage = () => void arrivals.push(performance.now());
  ctx.createMediaStreamSource(stream).connect(node);
  await sleep(ROUND_SECONDS * 1000);
  for (const t of stream.getTracks()) t.stop();
  await ctx.close();
  return { arrivals, rate: ctx.sampleRate };
}

/** ms of one core per second of audio, for `work` over 10 s of 128-frame stereo quanta at `rate`. */
function cpuShare(rate: number, work: (l: Float32Array, r: Float32Array, frame: number) => void): number {
  const quanta = Math.floor((rate * SECONDS) / 128);
  const l = new Float32Array(128);
  const r = new Float32Array(128);
  let seed = 1;
  const t0 = performance.now();
  for (let q = 0; q < quanta; q++) {
    for (let i = 0; i < 128; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      l[i] = seed / 2 ** 32 - 0.5;
      r[i] = l[i]! * 0.5;
    }
    work(l, r, q * 128);
  }
  return (performance.now() - t0) / SECONDS / 10; // % of one core
}

runBench(async (progress) => {
  const rj: number[] = [];
  const sj: number[] = [];
  let rate = 0;
  for (let i = 0; i < ROUNDS; i++) {
    progress(`round ${i + 1}/${ROUNDS}: raw worklet`);
    const raw = await rawArrivals();
    rate = raw.rate;
    rj.push(...jitter(raw.arrivals));
    progress(`round ${i + 1}/${ROUNDS}: sentio microphone`);
    sj.push(...jitter(await sentioArrivals()));
  }
  rj.sort((a, b) => a - b);
  sj.sort((a, b) => a - b);
  if (sj.length < 200 || rj.length < 200)
    throw new Error(`too few chunks (sentio ${sj.length}, raw ${rj.length})`);

  progress('capture CPU');
  let sink = 0;
  const core = createCaptureCore(rate, 16_000, 512);
  // Warm-up so both are measured JIT-compiled.
  cpuShare(rate, (l, r, f) => core.push([l, r], f, (c) => (sink += c.samples.length)));
  const sentioCpu = cpuShare(rate, (l, r, f) => core.push([l, r], f, (c) => (sink += c.samples.length)));
  const size = Math.round(rate * 0.032);
  let block = new Float32Array(size);
  let filled = 0;
  const rawWork = (l: Float32Array) => {
    let at = 0;
    while (at < l.length) {
      const take = Math.min(size - filled, l.length - at);
      block.set(l.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        sink += block.length;
        block = new Float32Array(size);
        filled = 0;
      }
    }
  };
  cpuShare(rate, rawWork);
  const rawCpu = cpuShare(rate, rawWork);
  if (sink === 0) throw new Error('nothing was produced');

  return [
    compare('sensors-audio', 'chunk delivery jitter p50, ms', percentile(sj, 50), percentile(rj, 50), 'ms'),
    compare('sensors-audio', 'chunk delivery jitter p99, ms', percentile(sj, 99), percentile(rj, 99), 'ms', {
      op: '<=',
      ratio: 2,
    }),
    compare('sensors-audio', `capture CPU, % of one core (${rate} Hz stereo)`, sentioCpu, rawCpu, '%'),
  ];
});
