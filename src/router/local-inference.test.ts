import { describe, expect, it } from 'vitest';
import type { Task } from '../inference/manifest';
import type { InferResult } from '../inference/types';
import { createLocalInference } from './local-inference';

function result(text: string, tokenConfidences: number[], totalMs: number, loadMs = 0) {
  return {
    task: 'speech-recognition',
    model: 'whisper-tiny',
    backend: 'transformers-wasm',
    fellBackFrom: [],
    threads: 1,
    loadedFrom: null,
    output: { text, seconds: 2, tokenConfidences },
    timings: { queueMs: 0, loadMs, preprocessMs: 0, modelMs: totalMs - loadMs, decodeMs: 0, totalMs },
  } as InferResult<'speech-recognition'>;
}

function clientAnswering(...results: InferResult<'speech-recognition'>[]) {
  const calls: { task: Task; input: unknown }[] = [];
  return {
    calls,
    client: {
      infer: (async (task: Task, input: unknown) => {
        calls.push({ task, input });
        return results.shift()!;
      }) as never,
    },
  };
}

describe('createLocalInference', () => {
  it('runs speech.transcribe as speech-recognition on the clip, confident by its token probabilities', async () => {
    const { client, calls } = clientAnswering(result('Go forward 10 meters.', [0.9, 0.7, 0.8], 900));
    const local = createLocalInference(client);
    const clip = new Blob([new Uint8Array(44)], { type: 'audio/wav' });
    const a = await local.run('speech.transcribe', { clip }, {});
    expect(calls).toEqual([{ task: 'speech-recognition', input: clip }]);
    expect(a.output).toEqual({ text: 'Go forward 10 meters.' });
    expect(a.confidence).toBeCloseTo(0.8, 6);
    expect(a.features).toMatchObject({ durationS: 2, draftWords: 4, draftMinTokenConf: 0.7, draftEmpty: 0 });
  });

  it('has no confidence in an answer without tokens', async () => {
    const { client } = clientAnswering(result('', [], 100));
    const a = await createLocalInference(client).run('speech.transcribe', { clip: new Float32Array(16) }, {});
    expect(a.confidence).toBe(0);
    expect(a.features?.draftEmpty).toBe(1);
  });

  it('names what is wrong with the input, and tasks it has no model for', async () => {
    const local = createLocalInference(clientAnswering().client);
    await expect(local.run('speech.transcribe', { audio: 'x' }, {})).rejects.toThrow(
      /speech\.transcribe input must be \{ clip: Blob/,
    );
    expect(local.supports('chat')).toBe(false);
    await expect(local.run('chat', 'hi', {})).rejects.toThrow(/no local model for router task "chat"/);
  });

  it('estimates latency from measured runs, leaving out the one-off model load', async () => {
    const { client } = clientAnswering(result('a', [1], 5000, 4000), result('b', [1], 2000));
    const local = createLocalInference(client);
    expect(local.estimateLatencyMs('speech.transcribe')).toBe(1500);
    await local.run('speech.transcribe', { clip: new Float32Array(16) }, {});
    expect(local.estimateLatencyMs('speech.transcribe')).toBe(1000);
    await local.run('speech.transcribe', { clip: new Float32Array(16) }, {});
    expect(local.estimateLatencyMs('speech.transcribe')).toBeCloseTo(1300, 6);
  });
});
