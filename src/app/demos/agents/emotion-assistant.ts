// Emotion assistant: a face's expression → a reaction in the UI at once, decided here on the device. Then,
// as a separate step (so the local reaction is never held up by the network), the agent asks the endpoint
// for a kinder, fuller line; the router sends it only with the user's consent and says why when it does not.
import { type PerceptionEvents, type Expression, defineAgent } from '../../../index';
import { askCloud } from './cloud-refine';
import { publishLabelled } from './labelled-publish';
import type { Reaction, Refinement } from './topics';

import { EMOTION_AGENT } from './names';

export { EMOTION_AGENT };

const LINES: Record<Expression, string> = {
  happy: 'You look happy — glad it is going well.',
  sad: 'You look a little sad. A short break might help.',
  angry: 'You look frustrated. Want to pause for a moment?',
  fear: 'You look worried. Is everything all right?',
  surprise: 'You look surprised!',
  disgust: 'You look put off by something.',
  neutral: 'You look calm and focused.',
};

export function reactionLine(expression: Expression): string {
  return LINES[expression];
}

export interface EmotionOptions {
  /** Below this score an expression is too unsure to react to. */
  minScore: number;
  /** A new expression must be read this many times in a row before the agent reacts (flicker guard). */
  minStreak: number;
  /** The same expression, held steadily, is mentioned again only after this long. */
  repeatAfterMs: number;
}

export const DEFAULT_EMOTION: Readonly<EmotionOptions> = Object.freeze({
  minScore: 0.5,
  minStreak: 2,
  repeatAfterMs: 60_000,
});

export interface EmotionState {
  streak: { expression: Expression; count: number } | null;
  last: { expression: Expression; at: number } | null;
  reactions: (Reaction & { refinement?: Refinement })[];
  /** Expression readings seen, and how many of them became a reaction. */
  readings: number;
  reacted: number;
}

const KEEP_REACTIONS = 10;

export const initialEmotionState = (): EmotionState => ({
  streak: null,
  last: null,
  reactions: [],
  readings: 0,
  reacted: 0,
});

/** The most confident face of a reading, or null when there is none worth reacting to. */
export function dominantExpression(
  p: PerceptionEvents['vision.face.expression'],
  o: EmotionOptions = DEFAULT_EMOTION,
): { expression: Expression; score: number } | null {
  let best: { expression: Expression; score: number } | null = null;
  for (const f of p.faces ?? [])
    if (f.score >= o.minScore && (!best || f.score > best.score))
      best = { expression: f.expression, score: f.score };
  return best;
}

/** Advances the debounce state by one reading; true when this reading deserves a reaction. */
export function observe(
  s: EmotionState,
  reading: { expression: Expression; at: number },
  o: EmotionOptions = DEFAULT_EMOTION,
): boolean {
  s.readings++;
  s.streak =
    s.streak?.expression === reading.expression
      ? { expression: reading.expression, count: s.streak.count + 1 }
      : { expression: reading.expression, count: 1 };
  if (s.streak.count < o.minStreak) return false;
  const same = s.last?.expression === reading.expression;
  if (same && reading.at - s.last!.at < o.repeatAfterMs) return false;
  s.last = { expression: reading.expression, at: reading.at };
  s.reacted++;
  return true;
}

export function emotionAssistant(o: EmotionOptions = DEFAULT_EMOTION) {
  return defineAgent<EmotionState>({
    id: EMOTION_AGENT,
    // A reaction to a face seen seconds ago is worthless: keep only the latest reading, in memory.
    subscribe: [
      { pattern: 'vision.face.expression', qos: 'realtime' },
      { pattern: 'demo.emotion.refine', qos: 'batched' },
    ],
    durable: false,
    initialState: initialEmotionState(),
    // The refinement waits on the network.
    timeoutMs: 30_000,
    maxAttempts: 1,
    async on(event, ctx) {
      if (event.topic === 'demo.emotion.refine') {
        const r = event.payload as Reaction;
        const refinement = await askCloud(ctx, {
          system:
            'You help a person using an app that reads their facial expression on their own device. You are ' +
            'told only the expression word, never shown an image. Answer with one short, kind sentence.',
          user: `My expression reads as "${r.expression}". What would be a helpful thing to say to me?`,
          // Read from the camera, the word is `local`: only the declared, consented and audited step lets it
          // leave (as text, never a frame), and the router still needs consent for chat.
          privacy: 'local',
          declassify: 'expression.share',
        });
        const kept = ctx.state.reactions.find((x) => x.id === r.id);
        if (kept) kept.refinement = refinement;
        publishLabelled(ctx, 'demo.emotion.refined', { id: r.id, refinement }, 'local');
        return;
      }
      const best = dominantExpression(event.payload as PerceptionEvents['vision.face.expression'], o);
      if (!best || !observe(ctx.state, { expression: best.expression, at: event.ts }, o)) return;
      const reaction: Reaction = {
        id: event.id,
        expression: best.expression,
        score: best.score,
        text: reactionLine(best.expression),
        at: event.ts,
        ...(event.meta?.device !== undefined ? { device: event.meta.device } : {}),
      };
      ctx.state.reactions = [reaction, ...ctx.state.reactions].slice(0, KEEP_REACTIONS);
      publishLabelled(ctx, 'demo.emotion.reaction', reaction, event.privacy);
      publishLabelled(ctx, 'demo.emotion.refine', reaction, event.privacy);
    },
  });
}
