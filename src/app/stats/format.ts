// Text for the stats panels: durations people can read at a glance, and plain tables (text only).
import { el, keyedChildren, setLeadingText } from '../dom';

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

/**
 * Shows a plain text table in `container`, made once and then updated cell by cell: the stats panels redraw a
 * few times a second, and a rebuilt table is restyled, laid out and painted whole each time. `headers` are
 * fixed per container; rows are matched by position.
 */
export function renderTable(container: Element, headers: string[], rows: string[][], testId: string): void {
  let body = container.querySelector<HTMLTableSectionElement>(`table[data-testid="${testId}"] > tbody`);
  if (!body) {
    body = el('tbody');
    container.replaceChildren(
      el(
        'table',
        { className: 'stats', testId },
        el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h })))),
        body,
      ),
    );
  }
  const fill = (tr: HTMLElement, cells: string[]) =>
    keyedChildren(
      tr,
      cells.map((text, i) => ({ i, text })),
      (c) => c.i,
      (c) => el('td', { text: c.text }),
      (td, c) => setLeadingText(td, c.text),
    );
  keyedChildren(
    body,
    rows.map((cells, i) => ({ i, cells })),
    (r) => r.i,
    (r) => {
      const tr = el('tr');
      fill(tr, r.cells);
      return tr;
    },
    (tr, r) => fill(tr, r.cells),
  );
}
