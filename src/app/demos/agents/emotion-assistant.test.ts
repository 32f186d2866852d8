import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { PerceptionEvents, Expression } from '../../../index';
import {
  DEFAULT_EMOTION,
  dominantExpression,
  emotionAssistant,
  initialEmotionState,
  observe,
} from './emotion-assistant';
import { event, startAgent } from './test-support';
import type { Reaction } from './topics';

function reading(
  expression: Expression,
  score = 0.97,
  extra: PerceptionEvents['vision.face.expression']['faces'] = [],
) {
  return {
    frame: 1,
    backend: 'tfjs-cpu',
    model: 'emotion',
    timings: {},
    faces: [{ box: [0, 0, 10, 10], expression, score, scores: {} }, ...extra],
  } as unknown as PerceptionEvents['vision.face.expression'];
}

describe('emotion assistant: debouncing', () => {
  it('reacts once a new expression is read twice in a row, not to a steady face again', () => {
    const s = initialEmotionState();
    expect(observe(s, { expression: 'happy', at: 0 })).toBe(false);
    expect(observe(s, { expression: 'happy', at: 100 })).toBe(true);
    for (let t = 200; t < 10_000; t += 100) expect(observe(s, { expression: 'happy', at: t })).toBe(false);
    expect(s.reacted).toBe(1);
  });

  it('ignores a one-frame flicker and mentions a held expression again after the repeat interval', () => {
    const s = initialEmotionState();
    observe(s, { expression: 'happy', at: 0 });
    observe(s, { expression: 'happy', at: 1 });
    expect(observe(s, { expression: 'sad', at: 2 })).toBe(false);
    expect(observe(s, { expression: 'happy', at: 3 })).toBe(false);
    expect(observe(s, { expression: 'happy', at: DEFAULT_EMOTION.repeatAfterMs + 1 })).toBe(true);
    expect(observe(s, { expression: 'sad', at: DEFAULT_EMOTION.repeatAfterMs + 2 })).toBe(false);
    expect(observe(s, { expression: 'sad', at: DEFAULT_EMOTION.repeatAfterMs + 3 })).toBe(true);
  });

  it('takes the most confident face and skips readings below the minimum score', () => {
    const two = reading('sad', 0.6, [
      { box: [1, 1, 5, 5], expression: 'happy', score: 0.9, scores: {} } as never,
    ]);
    expect(dominantExpression(two)).toEqual({ expression: 'happy', score: 0.9 });
    expect(dominantExpression(reading('happy', 0.3))).toBeNull();
    expect(dominantExpression({ ...reading('happy'), faces: [] })).toBeNull();
  });
});

describe('emotion assistant: the agent', () => {
  it('publishes a local reaction at once, then a refinement with consent', async () => {
    const h = await startAgent(emotionAssistant(), {
      infer: async () => ({
        decision: { route: 'cloud', reason: 'cloud' },
        output: { text: 'Keep smiling!' },
      }),
    });
    await h.send(
      event('vision.face.expression', reading('happy'), { ts: 1000 }),
      event('vision.face.expression', reading('happy'), { ts: 1100 }),
      event('vision.face.expression', reading('happy'), { ts: 1200 }),
    );
    const reactions = h.published('demo.emotion.reaction');
    expect(reactions).toHaveLength(1);
    expect(reactions[0]!.privacy).toBe('local');
    const reaction = reactions[0]!.payload as Reaction;
    expect(reaction.text).toMatch(/^You look happy/);
    // Nothing was asked of the endpoint before the reaction went out.
    expect(h.inferCalls).toHaveLength(0);

    const [refine] = h.published('demo.emotion.refine');
    await h.send(event(refine!.topic, refine!.payload));
    expect(h.inferCalls).toHaveLength(1);
    expect(h.inferCalls[0]!.task).toBe('chat');
    const messages = (h.inferCalls[0]!.input as { messages: { role: string; content: string }[] }).messages;
    expect(messages.at(-1)).toEqual({ role: 'user', content: expect.stringContaining('"happy"') });
    expect(h.inferCalls[0]!.options).toMatchObject({
      agentId: 'emotion-assistant',
      privacy: 'local',
      declassify: 'expression.share',
    });
    expect(h.published('demo.emotion.refined')[0]!.payload).toEqual({
      id: reaction.id,
      refinement: { status: 'refined', text: 'Keep smiling!', route: 'cloud', reason: 'cloud' },
    });
    expect(h.state().reactions[0]!.refinement).toEqual({
      status: 'refined',
      text: 'Keep smiling!',
      route: 'cloud',
      reason: 'cloud',
    });
    await h.stop();
  });

  it('stays local and says why when the router does not send (no consent) or no router exists', async () => {
    const h = await startAgent(emotionAssistant(), {
      infer: async () => ({
        decision: { route: 'drop', code: 'no-consent', reason: 'no consent for cloud.chat on endpoint "e"' },
      }),
    });
    await h.send(
      event('vision.face.expression', reading('sad'), { ts: 0 }),
      event('vision.face.expression', reading('sad'), { ts: 1 }),
    );
    const [refine] = h.published('demo.emotion.refine');
    await h.send(event(refine!.topic, refine!.payload));
    expect(h.published('demo.emotion.refined')[0]!.payload).toMatchObject({
      refinement: { status: 'kept-local', reason: 'no consent for cloud.chat on endpoint "e"' },
    });
    expect(h.failures).toEqual([]);
    await h.stop();

    const bare = await startAgent(emotionAssistant());
    await bare.send(
      event('demo.emotion.refine', { id: 'x', expression: 'happy', score: 1, text: '', at: 0 }),
    );
    expect(bare.published('demo.emotion.refined')[0]!.payload).toMatchObject({
      refinement: { status: 'kept-local', reason: expect.stringMatching(/no inference engine/) },
    });
    await bare.stop();
  });
});
