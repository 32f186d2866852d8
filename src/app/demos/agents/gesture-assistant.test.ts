import { describe, expect, it } from 'vitest';
import 'fake-indexeddb/auto';
import { admit, gestureAssistant, initialGestureState, suggestionFor } from './gesture-assistant';
import { event, startAgent } from './test-support';
import type { Suggestion } from './topics';

describe('gesture assistant', () => {
  it('suggests from camera gestures and WebXR inputs, nothing from other inputs', () => {
    expect(
      suggestionFor(event('vision.gesture', { frame: 1, gesture: 'hand-raised', side: 'left' }, { ts: 5 })),
    ).toEqual({
      gesture: 'hand-raised',
      side: 'left',
      source: 'camera',
      text: 'Ask a question?',
      at: 5,
    });
    expect(suggestionFor(event('vision.gesture', { frame: 1, gesture: 'wave', side: 'right' }))?.text).toBe(
      'Say hello',
    );
    expect(suggestionFor(event('xr.input.right.selectstart', {}))).toBeNull();
    expect(suggestionFor(event('xr.input.right.select', { action: 'select' }))).toMatchObject({
      gesture: 'select',
      side: 'right',
      source: 'xr',
    });
    expect(suggestionFor(event('xr.input.none.squeeze', {}))).toMatchObject({
      side: 'none',
      gesture: 'squeeze',
    });
    expect(suggestionFor(event('xr.input.left.selectend', {}))).toBeNull();
    expect(suggestionFor(event('xr.input.left.pose', {}))).toBeNull();
    expect(suggestionFor(event('xr.input.left.pinch', { state: 'start', pinchMm: 8 }))?.text).toBe(
      'Pinch: pick it up?',
    );
    expect(suggestionFor(event('xr.input.left.pinch', { state: 'end', pinchMm: 40 }))).toBeNull();
    expect(
      suggestionFor(event('vision.gesture', { frame: 1, gesture: 'thumbs-up', side: 'left' })),
    ).toBeNull();
  });

  it('suggests a gesture of one hand once per cool-down', () => {
    const s = initialGestureState();
    const at = (t: number, side: 'left' | 'right' = 'left'): Suggestion => ({
      gesture: 'wave',
      side,
      source: 'camera',
      text: 'Say hello',
      at: t,
    });
    expect(admit(s, at(0), 1000)).toBe(true);
    expect(admit(s, at(999), 1000)).toBe(false);
    expect(admit(s, at(500, 'right'), 1000)).toBe(true);
    expect(admit(s, at(1000), 1000)).toBe(true);
  });

  it('publishes suggestions with the label of what it saw, and none for a pose without a gesture', async () => {
    const h = await startAgent(gestureAssistant(1000));
    await h.send(
      event('vision.gesture', { frame: 1, gesture: 'hand-raised', side: 'left' }, { ts: 0 }),
      event('vision.gesture', { frame: 2, gesture: 'hand-raised', side: 'left' }, { ts: 10 }),
      event('vision.gesture', { frame: 3, gesture: 'wave', side: 'left' }, { ts: 20 }),
      event('xr.input.right.select', { handedness: 'right' }, { ts: 30, privacy: 'private' }),
    );
    expect(
      h.published('demo.gesture.suggestion').map((p) => [(p.payload as Suggestion).text, p.privacy]),
    ).toEqual([
      ['Ask a question?', 'local'],
      ['Say hello', 'local'],
      ['Pick the item you are pointing at?', 'private'],
    ]);
    expect(h.state().seen).toBe(4);
    await h.stop();
  });
});
