// Text for the stats panels: durations people can read at a glance, and plain tables (text only).
import { el } from '../dom';

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

export function table(headers: string[], rows: string[][], testId: string): HTMLTableElement {
  return el(
    'table',
    { className: 'stats', testId },
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h })))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', { text: c }))))),
  );
}
