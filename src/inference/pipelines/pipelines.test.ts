// Pipeline scheduling and bad paths in Node, on the real in-thread bus, with a scripted `infer` standing in
// for the worker (the real models and media run in e2e/inference-pipelines.spec.ts).
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../../bus/local-bus';
import type { SentioEvent } from '../../events/event';
import { InferenceCancelledError } from '../errors';
import type { Task } from '../manifest';
import type { InferResult, TaskOutputs } from '../types';
import { createFacePipeline, createPosePipeline } from './camera-pipelines';
import type { PerceptionEvents } from './events';
import { createSpeechPipeline } from './speech-pipeline';
import type { Infer } from './types';
import { StageTracer } from '../../telemetry/stage-tracer';

const timings = { queueMs: 0, loadMs: 0, preprocessMs: 0, modelMs: 1, decodeMs: 0, totalMs: 1 };
function result<T extends Task>(task: T, output: TaskOutputs[T], backend = 'scripted'): InferResult<T> {
  return { task, model: 'm', backend, fellBackFrom: [], threads: 1, loadedFrom: null, output, timings };
}

function setup() {
  const bus = createLocalBus<PerceptionEvents>({ name: 'test' });
  const seen: SentioEvent[] = [];
  bus.subscribe('>', (e) => void seen.push(e));
  return { bus, seen };
}

const face = { box: { x: 10, y: 10, width: 50, height: 50 }, keypoints: [], score: 0.9 };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('face pipeline', () => {
  it('publishes faces and expressions with the input privacy, one request per frame', async () => {
    const { bus, seen } = setup();
    const calls: Task[] = [];
    const infer = (async (task: Task) => {
      calls.push(task);
      return result('facial-expression', {
        faces: [{ box: face.box, expression: 'happy', score: 0.97, scores: {} as never }],
        detection: { backend: 'det', model: 'bf', faces: [face], width: 640, height: 480, ms: 1 },
      });
    }) as Infer;
    const p = createFacePipeline({ bus, infer });
    await p.push({} as ImageBitmap, { privacy: 'private', ts: 1000 });
    expect(calls).toEqual(['facial-expression']);
    expect(seen.map((e) => [e.topic, e.privacy, e.ts])).toEqual([
      ['vision.face', 'private', 1000],
      ['vision.face.expression', 'private', 1000],
    ]);
    expect((seen[0]!.payload as PerceptionEvents['vision.face']).backend).toBe('det');
    expect(seen[1]!.confidence).toBe(0.97);
  });

  it('separateExpression: faces are published when found, while a slow expression is still being read', async () => {
    const { bus, seen } = setup();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const calls: [Task, unknown][] = [];
    const infer = (async (task: Task, _input: unknown, options: { faces?: unknown; transfer?: boolean }) => {
      calls.push([task, task === 'facial-expression' ? options.faces : options.transfer]);
      if (task === 'face-detection')
        return result('face-detection', { faces: [face], width: 640, height: 480 });
      await slow;
      return result('facial-expression', {
        faces: [{ box: face.box, expression: 'happy', score: 0.9, scores: {} as never }],
        detection: null,
      });
    }) as Infer;
    const p = createFacePipeline({ bus, infer, separateExpression: true });
    const closed: number[] = [];
    const frame = (n: number) => ({ close: () => closed.push(n) }) as unknown as VideoFrame;
    await p.push(frame(0), { transfer: true });
    await p.push(frame(1), { transfer: true });
    // Both frames' faces are out; the first expression is still being read, the second waits (latest wins).
    expect(seen.map((e) => [e.topic, (e.payload as { frame: number }).frame])).toEqual([
      ['vision.face', 0],
      ['vision.face', 1],
    ]);
    // Detection does not take the frame (the expression request may still need it); the boxes go along.
    expect(calls.slice(0, 2)).toEqual([
      ['face-detection', false],
      ['facial-expression', [face.box]],
    ]);
    release();
    await tick();
    await tick();
    expect(
      seen
        .filter((e) => e.topic === 'vision.face.expression')
        .map((e) => (e.payload as { frame: number }).frame),
    ).toEqual([0, 1]);
    p.close();
  });

  it('keeps only the newest waiting frame while the model is busy (slow consumer), closing handed-over ones', async () => {
    const { bus, seen } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const infer = (async () => {
      await gate;
      return result('face-detection', { faces: [], width: 1, height: 1 });
    }) as Infer;
    const p = createFacePipeline({ bus, infer, expression: false });
    const closed: number[] = [];
    const frame = (n: number) => ({ close: () => closed.push(n) }) as unknown as VideoFrame;
    const pushes = [1, 2, 3, 4].map((n) => p.push(frame(n), { transfer: true }));
    release();
    await Promise.all(pushes);
    expect(p.stats()).toMatchObject({ received: 4, processed: 2, superseded: 2, failed: 0 });
    expect(closed).toEqual([2, 3]);
    expect(seen.map((e) => (e.payload as { frame: number }).frame)).toEqual([0, 3]);
  });

  it('a failure repeated on every frame is published once and counted; after a success, or a different failure, it is published again', async () => {
    const { bus, seen } = setup();
    const outcomes = ['dead', 'dead', 'dead', 'ok', 'dead', 'dead', 'other'];
    let n = 0;
    const infer = (async () => {
      const outcome = outcomes[n++];
      if (outcome === 'ok') return result('face-detection', { faces: [face], width: 1, height: 1 });
      throw Object.assign(new Error(outcome === 'dead' ? 'the worker died' : 'checksum mismatch'), {
        name: outcome === 'dead' ? 'InferenceWorkerError' : 'ModelLoadError',
      });
    }) as Infer;
    const p = createFacePipeline({ bus, infer, expression: false });
    for (let i = 0; i < outcomes.length; i++) await p.push({} as ImageBitmap);
    expect(
      seen.map(
        (e) => `${e.topic}${e.topic === 'inference.error' ? ` ${(e.payload as { name: string }).name}` : ''}`,
      ),
    ).toEqual([
      'inference.error InferenceWorkerError',
      'vision.face',
      'inference.error InferenceWorkerError',
      'inference.error ModelLoadError',
    ]);
    expect(p.stats()).toMatchObject({ failed: 6, processed: 1 });
    p.close();
  });

  it('a failing frame publishes inference.error and the next frame still runs', async () => {
    const { bus, seen } = setup();
    let n = 0;
    const infer = (async () => {
      if (n++ === 0)
        throw Object.assign(new Error('model "blazeface-front-128", file "model.onnx": checksum mismatch'), {
          name: 'ModelLoadError',
        });
      return result('face-detection', { faces: [face], width: 1, height: 1 });
    }) as Infer;
    const p = createFacePipeline({ bus, infer, expression: false });
    await p.push({} as ImageBitmap);
    await p.push({} as ImageBitmap);
    expect(seen.map((e) => e.topic)).toEqual(['inference.error', 'vision.face']);
    expect(seen[0]!.payload).toMatchObject({ pipeline: 'face', name: 'ModelLoadError' });
    expect(p.stats()).toMatchObject({ failed: 1, processed: 1 });
    p.close();
    await expect(p.push({} as ImageBitmap)).rejects.toThrow(/closed/);
  });
});

describe('pose pipeline', () => {
  it('publishes a gesture when it begins, not on every frame it lasts', async () => {
    const { bus, seen } = setup();
    const pose = Array.from({ length: 33 }, () => ({ x: 0.5, y: 0.5, z: 0, visibility: 0.9 }));
    pose[12] = { x: 0.4, y: 0.5, z: 0, visibility: 0.9 };
    pose[16] = { x: 0.4, y: 0.2, z: 0, visibility: 0.9 };
    const infer = (async () => result('pose', { poses: [pose], width: 1, height: 1 })) as Infer;
    const p = createPosePipeline({ bus, infer });
    for (let i = 0; i < 3; i++) await p.push({} as ImageBitmap, { ts: i * 100 });
    expect(seen.filter((e) => e.topic === 'vision.gesture').map((e) => e.payload)).toEqual([
      { frame: 0, gesture: 'hand-raised', side: 'right' },
    ]);
  });
});

describe('speech pipeline', () => {
  /** Frames 512-sample steps across chunks, as the worker's SileroFramer does, and answers `probs` in order. */
  function vadScript(probs: number[]) {
    let at = 0;
    let samples = 0;
    return (async (task: Task, input: unknown) => {
      if (task === 'speech-recognition')
        return result('speech-recognition', {
          text: 'go forward ten meters',
          seconds: (input as Float32Array).length / 16000,
          tokenConfidences: [0.9, 0.8, 0.95, 0.9],
        });
      samples += (input as Float32Array).length;
      const frames = Math.floor(samples / 512) - at;
      const out = probs.slice(at, at + frames);
      at += frames;
      return result(
        'voice-activity',
        { frameMs: 32, probabilities: out, firstSample: 0, segments: null },
        'vad',
      );
    }) as Infer;
  }

  it('turns frame probabilities into start, end and a transcript, keeping the segment audio', async () => {
    const { bus, seen } = setup();
    const probs = [...Array(10).fill(0.02), ...Array(20).fill(0.95), ...Array(20).fill(0.02)];
    const p = createSpeechPipeline({ bus, infer: vadScript(probs), stream: 'mic', preRollMs: 0 });
    const audio = new Float32Array(probs.length * 512);
    for (let i = 0; i < audio.length; i += 1000) await p.push(audio.subarray(i, i + 1000), { ts: 0 });
    await p.flush();
    const topics = seen.map((e) => e.topic);
    expect(topics).toEqual(['audio.speech.start', 'audio.speech.end', 'audio.transcript']);
    expect(seen[0]!.payload).toMatchObject({ at: 0.32, backend: 'vad', segment: 1 });
    expect(seen[1]!.payload).toMatchObject({ start: 0.32, end: 0.96 });
    expect(seen[2]!.payload).toMatchObject({ text: 'go forward ten meters', start: 0.32, end: 0.96 });
    expect(seen.every((e) => e.privacy === 'local')).toBe(true);
    expect(p.segmentAudio(1)!.length).toBe(Math.round((0.96 - 0.32) * 16000));
  });

  it('refuses a chunk that is not Float32Array and survives a failing VAD call', async () => {
    const { bus, seen } = setup();
    let n = 0;
    const infer = (async () => {
      if (n++ === 0) throw new InferenceCancelledError('voice-activity', 'cancelled');
      return result('voice-activity', { frameMs: 32, probabilities: [0], firstSample: 0, segments: null });
    }) as Infer;
    const p = createSpeechPipeline({ bus, infer, stream: 'mic' });
    await expect(p.push([0, 0] as unknown as Float32Array)).rejects.toThrow(/Float32Array/);
    await p.push(new Float32Array(512));
    await p.push(new Float32Array(512));
    await tick();
    expect(seen.map((e) => e.topic)).toEqual(['inference.error']);
    expect(p.stats()).toMatchObject({ failed: 1, processed: 1 });
  });
});

describe('tracing through the pipelines', () => {
  function traced() {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = new StageTracer({ tracer: provider.getTracer('test') });
    return { tracer, spans: () => exporter.getFinishedSpans() };
  }

  it('a frame inference span continues the capture trace; what it publishes carries that span', async () => {
    const { bus, seen } = setup();
    const t = traced();
    let n = 0;
    const infer = (async () => {
      if (n++ === 1) throw new RangeError('tensor shape [1,3] is not [1,128,128,3]');
      return result('facial-expression', {
        faces: [{ box: face.box, expression: 'happy', score: 0.97, scores: {} as never }],
        detection: { backend: 'det', model: 'bf', faces: [face], width: 640, height: 480, ms: 1 },
      });
    }) as Infer;
    const p = createFacePipeline({ bus, infer, tracer: t.tracer });
    const capture = t.tracer.begin('capture', 'camera.front', undefined);
    capture.end();
    await p.push({} as ImageBitmap, { ts: 1000, trace: capture.trace });
    const [inference] = t.spans().filter((s) => s.name === 'inference face');
    expect(inference!.parentSpanContext?.spanId).toBe(capture.trace.spanId);
    expect(inference!.spanContext().traceId).toBe(capture.trace.traceId);
    const own = {
      traceId: capture.trace.traceId,
      spanId: inference!.spanContext().spanId,
      parentId: capture.trace.spanId,
    };
    expect(seen.map((e) => [e.topic, e.trace])).toEqual([
      ['vision.face', own],
      ['vision.face.expression', own],
    ]);

    // The failing frame's span says why; the pipeline goes on.
    const second = t.tracer.begin('capture', 'camera.front', undefined);
    second.end();
    await p.push({} as ImageBitmap, { trace: second.trace });
    const failed = t.spans().filter((s) => s.name === 'inference face')[1]!;
    expect(failed.status).toEqual({ code: 2, message: 'tensor shape [1,3] is not [1,128,128,3]' });
    expect(t.tracer.metrics.summary().inference.count).toBe(2);
  });

  it('speech: voice activity continues the audio capture; the transcript continues the run that ended its segment', async () => {
    const { bus, seen } = setup();
    const t = traced();
    const probs = [...Array(10).fill(0.02), ...Array(20).fill(0.95), ...Array(20).fill(0.02)];
    let at = 0;
    let samples = 0;
    const infer = (async (task: Task, input: unknown) => {
      if (task === 'speech-recognition')
        return result('speech-recognition', { text: 'go', seconds: 1, tokenConfidences: [0.9] });
      samples += (input as Float32Array).length;
      const frames = Math.floor(samples / 512) - at;
      const out = probs.slice(at, at + frames);
      at += frames;
      return result('voice-activity', { frameMs: 32, probabilities: out, firstSample: 0, segments: null });
    }) as Infer;
    const p = createSpeechPipeline({ bus, infer, stream: 'mic', preRollMs: 0, tracer: t.tracer });
    const audio = new Float32Array(probs.length * 512);
    const captures: string[] = [];
    for (let i = 0; i < audio.length; i += 4096) {
      const c = t.tracer.begin('capture', 'microphone.main', undefined);
      c.end();
      captures.push(c.trace.spanId);
      await p.push(audio.subarray(i, i + 4096), { ts: 0, trace: c.trace });
    }
    await p.flush();
    const spans = t.spans();
    const vad = spans.filter((s) => s.name === 'inference voice-activity');
    expect(vad.map((s) => s.parentSpanContext?.spanId)).toEqual(captures);
    const [start, end, transcript] = seen;
    expect([start!.topic, end!.topic, transcript!.topic]).toEqual([
      'audio.speech.start',
      'audio.speech.end',
      'audio.transcript',
    ]);
    const vadIds = vad.map((s) => s.spanContext().spanId);
    expect(vadIds).toContain(start!.trace!.spanId);
    expect(vadIds).toContain(end!.trace!.spanId);
    const asr = spans.find((s) => s.name === 'inference speech-recognition')!;
    expect(asr.parentSpanContext?.spanId).toBe(end!.trace!.spanId);
    expect(transcript!.trace).toEqual({
      traceId: end!.trace!.traceId,
      spanId: asr.spanContext().spanId,
      parentId: end!.trace!.spanId,
    });
  });

  it('without a tracer nothing carries a trace', async () => {
    const { bus, seen } = setup();
    const infer = (async () => result('face-detection', { faces: [face], width: 1, height: 1 })) as Infer;
    const p = createFacePipeline({ bus, infer, expression: false });
    await p.push({} as ImageBitmap, { trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } });
    expect(seen[0]!.trace).toBeUndefined();
  });
});
