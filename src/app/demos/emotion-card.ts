// The emotion assistant's card: each reaction as the agent made it on the device, then — once the endpoint
// answered, or the router said why it would not — its refinement underneath.
import type { Bus } from '../../index';
import type { DemoEvents } from './agents/topics';
import { el, section } from '../dom';
import { feedItem, hintLine, prependCapped, refinementLine, timeOf, type GrantConsent } from './card-kit';

export function createEmotionCard(bus: Bus, grant?: GrantConsent): HTMLElement {
  const hint = hintLine(
    'emotion-hint',
    'Waiting for a face: start the camera. Reactions are made on this device at once.',
  );
  const list = el('ul', { className: 'demo-list', testId: 'emotion-reactions' });
  const byId = new Map<string, HTMLElement>();
  bus.subscribe('demo.emotion.reaction', (e) => {
    const r = e.payload as DemoEvents['demo.emotion.reaction'];
    // A reading from another device's camera (over the bridge) says whose; its label is what it crossed as.
    const seen = r.device !== undefined ? ` · seen on ${r.device}` : '';
    const item = feedItem(
      'emotion-reaction',
      r.text,
      `${r.expression} ${(r.score * 100).toFixed(0)}% · ${e.privacy}${seen} · ${timeOf(r.at)}`,
    );
    byId.set(r.id, item);
    for (const id of byId.keys()) if (byId.size > 5) byId.delete(id);
    prependCapped(list, item, 5);
    hint.textContent = 'Reacting to your expression.';
  });
  bus.subscribe('demo.emotion.refined', (e) => {
    const { id, refinement } = e.payload as DemoEvents['demo.emotion.refined'];
    byId.get(id)?.append(refinementLine(refinement, grant));
  });
  return section('Emotion assistant', 'demo-emotion', hint, list);
}
