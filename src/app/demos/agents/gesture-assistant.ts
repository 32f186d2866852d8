// Gesture assistant (AR): a gesture seen by the camera (pose → hand raised / wave) or an input of a WebXR
// controller or hand (src/sensors/xr.ts: `xr.input.<handedness>.select|squeeze|pinch`) → a suggestion of
// what the user may want to do.
// The same gesture from the same hand is suggested once per cool-down, however long it is held.
import { policies, type PerceptionEvents, type SentioEvent, defineAgent } from '../../../index';
import { publishLabelled } from './labelled-publish';
import type { Suggestion } from './topics';

export const GESTURE_AGENT = 'gesture-assistant';

const CAMERA_LINES: Record<PerceptionEvents['vision.gesture']['gesture'], string> = {
  'hand-raised': 'Ask a question?',
  wave: 'Say hello',
};

/** WebXR input (a completed select or squeeze, a tracked hand's pinch beginning) → what to offer. */
const XR_LINES: Record<string, string> = {
  select: 'Pick the item you are pointing at?',
  squeeze: 'Grab it and move it?',
  pinch: 'Pinch: pick it up?',
};

/** The WebXR inputs worth a suggestion: not poses or hand summaries, which stream every frame. */
export const XR_PATTERNS = ['xr.input.*.select', 'xr.input.*.squeeze', 'xr.input.*.pinch'] as const;

export interface GestureState {
  /** When each gesture (by source, gesture and side) was last suggested. */
  lastSuggested: Record<string, number>;
  suggestions: Suggestion[];
  seen: number;
}

export const initialGestureState = (): GestureState => ({ lastSuggested: {}, suggestions: [], seen: 0 });

export const SUGGESTION_COOLDOWN_MS = 5_000;
const KEEP = 10;

/** What an event suggests, before any cool-down; null for events that suggest nothing (an ended input). */
export function suggestionFor(event: Pick<SentioEvent, 'topic' | 'payload' | 'ts'>): Suggestion | null {
  if (event.topic === 'vision.gesture') {
    const g = event.payload as PerceptionEvents['vision.gesture'];
    const text = CAMERA_LINES[g.gesture];
    if (!text) return null;
    return { gesture: g.gesture, side: g.side, source: 'camera', text, at: event.ts };
  }
  const [xr, input, hand, what] = event.topic.split('.');
  if (xr !== 'xr' || input !== 'input' || !hand || !what) return null;
  const text = XR_LINES[what];
  // A pinch is published when it begins and when it ends: only its beginning is a gesture.
  if (!text || (what === 'pinch' && (event.payload as { state?: unknown } | null)?.state !== 'start'))
    return null;
  const side = hand === 'left' || hand === 'right' ? hand : 'none';
  return { gesture: what, side, source: 'xr', text, at: event.ts };
}

/** True when `s` is not a repeat within the cool-down; records it then. */
export function admit(state: GestureState, s: Suggestion, cooldownMs = SUGGESTION_COOLDOWN_MS): boolean {
  const key = `${s.source}:${s.gesture}:${s.side}`;
  const last = state.lastSuggested[key];
  if (last !== undefined && s.at - last < cooldownMs) return false;
  state.lastSuggested[key] = s.at;
  return true;
}

export function gestureAssistant(cooldownMs = SUGGESTION_COOLDOWN_MS) {
  return defineAgent<GestureState>({
    id: GESTURE_AGENT,
    // Gestures are rare (published when they begin); a few may arrive in one frame, so keep several.
    subscribe: [
      { pattern: 'vision.gesture', qos: 'realtime', policy: policies.latest(8) },
      ...XR_PATTERNS.map((pattern) => ({ pattern, qos: 'realtime' as const, policy: policies.latest(8) })),
    ],
    durable: false,
    initialState: initialGestureState(),
    on(event, ctx) {
      ctx.state.seen++;
      const s = suggestionFor(event);
      if (!s || !admit(ctx.state, s, cooldownMs)) return;
      ctx.state.suggestions = [s, ...ctx.state.suggestions].slice(0, KEEP);
      publishLabelled(ctx, 'demo.gesture.suggestion', s, event.privacy);
    },
  });
}
