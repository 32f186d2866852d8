import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { InferenceEngine } from './engine';
import { perceiveInitProblem, type PerceiveInit } from './perception-protocol';
import { reportingTasks, runPerception } from './perception-run';
import type { TaskReport } from './perception-protocol';
import type { Infer } from './pipelines/types';

// Real MessageChannels: the checks are on what actually crosses a thread boundary (transferred ports).
let ports: MessagePort[] = [];
const channel = () => {
  const c = new MessageChannel();
  ports.push(c.port1, c.port2);
  return c;
};
afterEach(() => {
  for (const p of ports) p.close();
  ports = [];
  vi.restoreAllMocks();
});

/** A whole init, with the far ends of its ports for the test to watch. */
function wholeInit() {
  const hub = channel();
  const control = channel();
  const frames = channel();
  const chunks = channel();
  const init = {
    hub: hub.port2,
    name: 'perception.test',
    control: control.port2,
    camera: { frames: frames.port2, faceIntervalMs: 100, poseIntervalMs: null },
    speech: {
      chunks: chunks.port2,
      sensor: 'microphone.main',
      stream: 's1',
      transcribe: true,
      batchSamples: 4096,
    },
    remotes: {},
    traced: false,
  } as unknown as PerceiveInit;
  return { init, page: { control: control.port1, frames: frames.port1, chunks: chunks.port1 } };
}

const never = new Promise<InferenceEngine>(() => {});

describe('perceive init check', () => {
  it('takes a whole init', () => {
    expect(perceiveInitProblem(wholeInit().init)).toBeNull();
  });

  it.each([
    ['hub', (i: Record<string, unknown>) => (i.hub = 42), /^hub: must be a MessagePort/],
    ['name', (i: Record<string, unknown>) => (i.name = ''), /^name: /],
    ['a missing field', (i: Record<string, unknown>) => delete i.traced, /^traced: traced is required/],
    [
      'a negative interval',
      (i: Record<string, unknown>) => ((i.camera as { faceIntervalMs: number }).faceIntervalMs = -1),
      /^camera\.faceIntervalMs: /,
    ],
    [
      'a batch that is not a whole number',
      (i: Record<string, unknown>) => ((i.speech as { batchSamples: number }).batchSamples = 0.5),
      /^speech\.batchSamples: /,
    ],
    [
      'a remote for a task there is not',
      (i: Record<string, unknown>) => (i.remotes = { 'text-generation': channel().port2 }),
      /^remotes\./,
    ],
  ])('names what is wrong: %s', (_what, spoil, expected) => {
    const { init } = wholeInit();
    spoil(init as unknown as Record<string, unknown>);
    expect(perceiveInitProblem(init)).toMatch(expected);
  });
});

describe('a perception run given a bad init', () => {
  it('reports it failed by name on its control port and closes the ports it brought, starting nothing', async () => {
    const { init, page } = wholeInit();
    (init as unknown as Record<string, unknown>).hub = 'not a port';
    const report = new Promise<unknown>((resolve) => page.control.once('message', resolve));
    const framesClosed = new Promise<void>((resolve) => page.frames.once('close', () => resolve()));
    const chunksClosed = new Promise<void>((resolve) => page.chunks.once('close', () => resolve()));
    runPerception(init, never);
    expect(await report).toEqual({
      type: 'failed',
      error: expect.objectContaining({
        name: 'InferenceInputError',
        message: expect.stringContaining('hub: must be a MessagePort'),
      }),
    });
    await Promise.all([framesClosed, chunksClosed]);
  });

  it('without a control port to answer on, says so on the console', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    runPerception(undefined as unknown as PerceiveInit, never);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/bad input for "perceive": \(init\)/));
  });
});

describe('task reports of a run', () => {
  it('a failure repeated on every call is reported once; a success, or a different failure, is reported again', async () => {
    const outcomes = ['ok', 'dead', 'dead', 'dead', 'ok', 'other'];
    let n = 0;
    const infer = (async () => {
      const o = outcomes[n++];
      if (o === 'ok') return { backend: 'wasm', fellBackFrom: [] };
      throw Object.assign(new Error(o === 'dead' ? 'the worker died' : 'no model'), {
        name: o === 'dead' ? 'InferenceWorkerError' : 'ModelLoadError',
      });
    }) as unknown as Infer;
    const reports: TaskReport[] = [];
    const reporting = reportingTasks(infer, (r) => reports.push(r));
    for (let i = 0; i < outcomes.length; i++) await reporting('pose', null).catch(() => undefined);
    expect(reports.map((r) => (r.type === 'task.failed' ? `failed ${r.name}` : r.type))).toEqual([
      'task.requested',
      'task.result',
      'failed InferenceWorkerError',
      'task.result',
      'failed ModelLoadError',
    ]);
  });
});
