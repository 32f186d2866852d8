// The event inspector: every event on the bus, newest first, filtered by topic pattern, pausable; click a
// row for the whole event. Payloads are shown as text only (see dom.ts).
import type { Bus } from '../../bus/types';
import { policies } from '../../bus/policy';
import type { SentioEvent } from '../../events/event';
import { el, section } from '../dom';
import { EventBuffer, payloadPreview } from './event-buffer';
import { createVirtualList } from './virtual-list';

const ROW_HEIGHT = 28;

function time(ts: number): string {
  const d = new Date(ts);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function createInspectorPanel(bus: Bus, capacity = 2000): HTMLElement {
  const buffer = new EventBuffer(capacity);
  const detail = el('pre', {
    className: 'event-detail',
    testId: 'event-detail',
    text: 'Select an event to see all of it.',
  });
  const list = createVirtualList<SentioEvent>(
    ROW_HEIGHT,
    (e) => {
      const row = el(
        'div',
        { className: `event-row privacy-${e.privacy}`, testId: 'event-row' },
        el('span', { className: 'ts', text: time(e.ts) }),
        el('span', { className: 'topic', text: e.topic }),
        el('span', { className: 'payload', text: payloadPreview(e.payload) }),
      );
      row.tabIndex = 0;
      row.addEventListener('click', () => (detail.textContent = JSON.stringify(e, null, 2)));
      return row;
    },
    { testId: 'event-list' },
  );

  const filter = el('input', {
    testId: 'event-filter',
    attrs: {
      type: 'search',
      placeholder: 'topic filter, e.g. camera.*.face or audio.>',
      'aria-label': 'Topic filter',
    },
  });
  const filterError = el('p', {
    className: 'field-error',
    testId: 'event-filter-error',
    attrs: { role: 'status' },
  });
  const pause = el('button', { testId: 'event-pause', text: 'Pause', attrs: { type: 'button' } });
  const counts = el('span', { className: 'counts', testId: 'event-counts' });

  const refresh = () => {
    const c = buffer.counts();
    counts.textContent = buffer.paused
      ? `paused — ${c.arrivedWhilePaused} new since`
      : `${c.total} seen, ${c.held} held, ${buffer.visible().length} shown`;
    list.setItems(buffer.visible());
  };

  filter.addEventListener('input', () => {
    try {
      buffer.setFilter(filter.value);
      filterError.textContent = '';
      filter.removeAttribute('aria-invalid');
    } catch (err) {
      filterError.textContent = (err as Error).message;
      filter.setAttribute('aria-invalid', 'true');
    }
    refresh();
  });
  pause.addEventListener('click', () => {
    if (buffer.paused) buffer.resume();
    else buffer.pause();
    pause.textContent = buffer.paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(buffer.paused));
    refresh();
  });

  let pending = false;
  // Background QoS with a bounded drop-oldest queue: the inspector must never slow publishers down.
  bus.subscribe(
    '>',
    (e) => {
      buffer.push(e);
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          refresh();
        });
      }
    },
    { qos: 'background', policy: policies.dropOldest(1000) },
  );
  refresh();
  return section(
    'Events',
    'inspector',
    el('div', { className: 'toolbar' }, filter, pause, counts),
    filterError,
    list.element,
    detail,
  );
}
