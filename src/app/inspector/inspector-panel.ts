// The event inspector: every event on the bus, newest first, filtered by topic pattern, pausable; click a
// row for the whole event. Closed by default (a person opens it to look). Raw media (audio chunks, camera
// frames) are summarised as rates and listed only on request. Drawn through the render scheduler: only the
// rows in view, only while open and on screen, at most a few times a second however fast events arrive.
// Payloads are shown as text only (see dom.ts).
import { type Bus, policies, type SentioEvent } from '../../index';
import { el, section } from '../dom';
import { sharedRenderScheduler, type RenderScheduler } from '../render-scheduler';
import { EventBuffer } from './event-buffer';
import { eventDetail, payloadPreview } from './payload-preview';
import { createVirtualList } from './virtual-list';

const ROW_HEIGHT = 28;
/** Rows and counts a person can follow: faster than this is only flicker. */
const RENDER_INTERVAL_MS = 200;

function time(ts: number): string {
  const d = new Date(ts);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function describeRates(rates: [string, number][], listed: boolean): string {
  if (rates.length === 0) return 'No raw media (audio chunks, camera frames) right now.';
  const what = rates.map(([t, r]) => `${t} ${r.toFixed(1)}/s`).join(' · ');
  return `Raw media ${listed ? '(listed)' : '(hidden)'}: ${what}`;
}

export interface InspectorOptions {
  capacity?: number;
  scheduler?: RenderScheduler;
}

export function createInspectorPanel(bus: Bus, options: InspectorOptions = {}): HTMLElement {
  const buffer = new EventBuffer(options.capacity ?? 2000);
  const detail = el('pre', {
    className: 'event-detail',
    testId: 'event-detail',
    text: 'Select an event to see all of it.',
  });
  const list = createVirtualList<SentioEvent>(
    ROW_HEIGHT,
    { length: () => buffer.length, slice: (first, count) => buffer.slice(first, count) },
    (e) => {
      const row = el(
        'div',
        { className: `event-row privacy-${e.privacy}`, testId: 'event-row' },
        el('span', { className: 'ts', text: time(e.ts) }),
        el('span', { className: 'topic', text: e.topic }),
        el('span', { className: 'payload', text: payloadPreview(e.payload) }),
      );
      row.tabIndex = 0;
      // Chosen when pressed, not on click: new events move the rows down every frame, so the row under the
      // pointer when the button goes up is often another one, and a click (down and up on different rows)
      // then selects nothing.
      const show = () => void (detail.textContent = eventDetail(e));
      row.addEventListener('pointerdown', show);
      row.addEventListener('keydown', (k) => {
        if (k.key === 'Enter' || k.key === ' ') show();
      });
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
  const showMedia = el('input', { testId: 'event-show-media', attrs: { type: 'checkbox' } });
  const counts = el('span', { className: 'counts', testId: 'event-counts' });
  const rates = el('p', { className: 'summary', testId: 'event-media-rates' });
  const body = el(
    'div',
    { className: 'inspector-body', testId: 'inspector-body' },
    el(
      'div',
      { className: 'toolbar' },
      filter,
      pause,
      el('label', { className: 'inline-check' }, showMedia, ' raw media'),
      counts,
    ),
    rates,
    filterError,
    list.element,
    detail,
  );
  body.id = 'inspector-body';
  body.hidden = true;
  const toggle = el('button', {
    className: 'panel-toggle',
    testId: 'inspector-toggle',
    text: 'Show events',
    attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': body.id, 'data-panel-toggle': '' },
  });

  const view = (options.scheduler ?? sharedRenderScheduler()).register(
    body,
    () => {
      const c = buffer.counts();
      counts.textContent = buffer.paused
        ? `paused — ${c.arrivedWhilePaused} new since`
        : `${c.total} seen, ${c.held} held, ${c.shown} shown`;
      rates.textContent = describeRates(buffer.mediaRates(), buffer.showMedia);
      list.render();
    },
    { name: 'inspector', minIntervalMs: RENDER_INTERVAL_MS },
  );
  /** A person's own action: answer it in this frame, not at the next tick. */
  const answer = () => {
    view.invalidate();
    view.flush();
  };

  toggle.addEventListener('click', () => {
    body.hidden = !body.hidden;
    toggle.textContent = body.hidden ? 'Show events' : 'Hide events';
    toggle.setAttribute('aria-expanded', String(!body.hidden));
    view.invalidate(); // drawn once the observer sees it on screen
  });
  filter.addEventListener('input', () => {
    try {
      buffer.setFilter(filter.value);
      filterError.textContent = '';
      filter.removeAttribute('aria-invalid');
    } catch (err) {
      filterError.textContent = (err as Error).message;
      filter.setAttribute('aria-invalid', 'true');
    }
    answer();
  });
  pause.addEventListener('click', () => {
    if (buffer.paused) buffer.resume();
    else buffer.pause();
    pause.textContent = buffer.paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(buffer.paused));
    answer();
  });
  showMedia.addEventListener('change', () => {
    buffer.setShowMedia(showMedia.checked);
    answer();
  });

  // Background QoS with a bounded drop-oldest queue: the inspector must never slow publishers down.
  bus.subscribe(
    '>',
    (e) => {
      buffer.push(e);
      view.invalidate();
    },
    { qos: 'background', policy: policies.dropOldest(1000) },
  );
  const panel = section('Events', 'inspector', toggle, body);
  return panel;
}
