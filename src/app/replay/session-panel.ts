// Record the session's events to a JSONL file, or load one and replay it into the runtime.
import type { ConnectedBus } from '../../index';
import { el, section } from '../dom';
import { replaySession, type SessionRecorder } from './session-replay';

export function createSessionPanel(bus: ConnectedBus, recorder: SessionRecorder): HTMLElement {
  const record = el('button', { text: 'Record', testId: 'session-record', attrs: { type: 'button' } });
  const file = el('input', {
    testId: 'session-file',
    attrs: { type: 'file', accept: '.jsonl,application/x-ndjson' },
  });
  const speed = el(
    'select',
    { testId: 'session-speed', attrs: { 'aria-label': 'Replay speed' } },
    el('option', { text: 'full speed', attrs: { value: 'max' } }),
    el('option', { text: '1× (real time)', attrs: { value: '1' } }),
  );
  const status = el('p', { testId: 'session-status', attrs: { role: 'status' } });
  const download = el('a', { testId: 'session-download', className: 'hidden' });

  record.addEventListener('click', () => {
    if (recorder.status.status === 'idle') {
      recorder.start();
      record.textContent = 'Stop';
      status.textContent = 'Recording…';
      return;
    }
    record.disabled = true;
    recorder
      .stop()
      .then(
        (jsonl) => {
          const lines = jsonl.split('\n').filter((l) => l.trim()).length;
          download.href = URL.createObjectURL(new Blob([jsonl], { type: 'application/x-ndjson' }));
          download.download = `sentio-session-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
          download.textContent = `Download (${lines} events)`;
          download.className = '';
          status.textContent = `Recorded ${lines} events.`;
        },
        (err: Error) => (status.textContent = `Recording failed: ${err.message}`),
      )
      .finally(() => {
        record.disabled = false;
        record.textContent = 'Record';
      });
  });

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    status.textContent = `Replaying ${chosen.name}…`;
    void chosen
      .text()
      .then((jsonl) =>
        replaySession(bus, jsonl, { speed: speed.value === 'max' ? 'max' : Number(speed.value) }),
      )
      .then(
        (r) => {
          status.textContent =
            `Replayed ${r.replayed} events of ${r.events} (${r.topics.length} topics)` +
            (r.errors.length ? `; skipped ${r.errors.length} bad lines, first: ${r.errors[0]}` : '.');
        },
        (err: Error) => (status.textContent = `Replay failed: ${err.message}`),
      );
  });
  return section(
    'Session',
    'session',
    el('div', { className: 'toolbar' }, record, download),
    el('div', { className: 'toolbar' }, el('label', { text: 'Replay a file' }), file, speed),
    status,
  );
}
