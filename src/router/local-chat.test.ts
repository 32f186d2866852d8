// The local chat side follows whether a model is loaded, and the policy rows a chat meets with it.
import { describe, expect, it } from 'vitest';
import type { GenerationResult, LoadedModelInfo } from '../inference/generation/types';
import { combineLocal, createLocalChat } from './local-chat';
import { decideRoute } from './policy';
import type { LocalInference } from './router';
import type { PolicyInputs } from './types';

const info: LoadedModelInfo = {
  model: 'stories260K',
  backend: 'wllama-wasm',
  threads: 2,
  contextTokens: 1024,
  chatTemplate: null,
  loadMs: 1,
};

/** A generation side whose model the test loads and unloads; it answers with a fixed result. */
function generation() {
  let loaded: LoadedModelInfo | null = null;
  const asked: unknown[] = [];
  const result: GenerationResult = {
    text: 'Once upon a time',
    finish: 'length',
    model: 'stories260K',
    backend: 'wllama-wasm',
    threads: 2,
    promptTokens: 4,
    tokens: 4,
    tokensPerSecond: 100,
    timeToFirstTokenMs: 5,
    queueMs: 0,
    totalMs: 40,
    meanTokenProbability: 0.42,
  };
  return {
    asked,
    set: (v: LoadedModelInfo | null) => (loaded = v),
    side: {
      loaded: () => loaded,
      generate: async (input: unknown) => {
        asked.push(input);
        return result;
      },
    },
  };
}

describe('createLocalChat', () => {
  it('supports chat only while a model is loaded, and answers with its mean token probability', async () => {
    const g = generation();
    const chat = createLocalChat(g.side);
    expect(chat.supports('chat')).toBe(false);
    g.set(info);
    expect(chat.supports('chat')).toBe(true);
    expect(chat.supports('speech.transcribe')).toBe(false);
    const a = await chat.run('chat', 'hello', {});
    expect(g.asked).toEqual([{ messages: [{ role: 'user', content: 'hello' }] }]);
    expect(a).toMatchObject({ output: { text: 'Once upon a time', model: 'stories260K' }, confidence: 0.42 });
    expect(chat.estimateLatencyMs('chat')).toBe(40);
    await expect(chat.run('chat', { messages: [] }, {})).rejects.toThrow(/chat input must be a string or/);
  });

  it('combineLocal sends each task to the side that does it now', async () => {
    const g = generation();
    const speech: LocalInference = {
      supports: (t) => t === 'speech.transcribe',
      estimateLatencyMs: () => 900,
      run: async () => ({ output: { text: 'heard' }, confidence: 0.9 }),
    };
    const both = combineLocal(speech, createLocalChat(g.side));
    expect(both.supports('chat')).toBe(false);
    await expect(both.run('chat', 'hi', {})).rejects.toThrow('no local model does "chat" now');
    g.set(info);
    expect(both.supports('chat')).toBe(true);
    expect((await both.run('speech.transcribe', {}, {})).output).toEqual({ text: 'heard' });
    expect((await both.run('chat', 'hi', {})).confidence).toBe(0.42);
  });
});

describe('policy rows for a chat with a local model', () => {
  const base: PolicyInputs = {
    task: 'chat',
    privacy: 'private',
    consent: false,
    cleared: true,
    localSupported: true,
    localConfidence: 0.42,
    complexity: 0.5,
    estimates: { localLatencyMs: 2000, cloudLatencyMs: 400, cloudCost: 0.001 },
    budgetRemaining: 1,
    network: { online: true, effectiveType: '4g', rttMs: 80 },
    circuit: 'closed',
    deferrable: false,
  };
  it.each([
    ['private, no consent → local', {}, 'local', 'no-consent', /answering locally/],
    [
      'local label → local',
      { privacy: 'local' as const, consent: true },
      'local',
      'privacy-local',
      /never leaves/,
    ],
    [
      'consent, middling confidence → hybrid',
      { consent: true, localConfidence: 0.7 },
      'hybrid',
      'mid-confidence-hybrid',
      /cloud refinement/,
    ],
    ['consent, low confidence → cloud', { consent: true }, 'cloud', 'low-confidence-cloud', /< /],
    [
      'no local model, no consent → drop',
      { localSupported: false },
      'drop',
      'no-consent',
      /no local model does this task/,
    ],
    [
      'local label, no local model → drop',
      { privacy: 'local' as const, localSupported: false },
      'drop',
      'privacy-local-unsupported',
      /no local model/,
    ],
  ])('%s', (_name, over, route, code, reason) => {
    const d = decideRoute({ ...base, ...over });
    expect(d).toMatchObject({ route, code });
    expect(d.reason).toMatch(reason);
  });
});
