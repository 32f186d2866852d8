// The gesture assistant's card: suggestions from gestures the camera sees and from WebXR input.
import type { Bus } from '../../index';
import type { DemoEvents } from './agents/topics';
import { el, section } from '../dom';
import { feedItem, hintLine, prependCapped, timeOf } from './card-kit';

export function createGestureCard(bus: Bus): HTMLElement {
  const hint = hintLine(
    'gesture-hint',
    'Raise a hand or wave at the camera; in an immersive WebXR session, controller and hand input count too.',
  );
  const list = el('ul', { className: 'demo-list', testId: 'gesture-suggestions' });
  bus.subscribe('demo.gesture.suggestion', (e) => {
    const s = e.payload as DemoEvents['demo.gesture.suggestion'];
    const from = s.source === 'xr' ? `WebXR ${s.side} ${s.gesture}` : `${s.gesture}, ${s.side} hand`;
    prependCapped(list, feedItem('gesture-suggestion', s.text, `${from} · ${timeOf(s.at)}`), 5);
  });
  return section('Gesture assistant', 'demo-gesture', hint, list);
}
