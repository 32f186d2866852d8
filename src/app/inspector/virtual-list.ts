// A list that renders only the rows in view (plus a few), so thousands of events cost a few dozen nodes.
// Rows have a fixed height; a spacer gives the scroll range.
export interface VirtualList<T> {
  readonly element: HTMLElement;
  setItems(items: readonly T[]): void;
}

export function createVirtualList<T>(
  rowHeight: number,
  renderRow: (item: T, index: number) => HTMLElement,
  options: { testId?: string; overscan?: number } = {},
): VirtualList<T> {
  const overscan = options.overscan ?? 6;
  const viewport = document.createElement('div');
  viewport.className = 'vlist';
  if (options.testId) viewport.dataset.testid = options.testId;
  viewport.setAttribute('role', 'list');
  const spacer = document.createElement('div');
  spacer.className = 'vlist-spacer';
  viewport.append(spacer);
  let items: readonly T[] = [];
  let scheduled = false;

  const render = () => {
    scheduled = false;
    spacer.style.height = `${items.length * rowHeight}px`;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowHeight) - overscan);
    const count = Math.ceil((viewport.clientHeight || 400) / rowHeight) + 2 * overscan;
    const rows: HTMLElement[] = [];
    for (let i = first; i < Math.min(items.length, first + count); i++) {
      const row = renderRow(items[i]!, i);
      row.setAttribute('role', 'listitem');
      row.style.position = 'absolute';
      row.style.top = `${i * rowHeight}px`;
      row.style.height = `${rowHeight}px`;
      rows.push(row);
    }
    spacer.replaceChildren(...rows);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };
  viewport.addEventListener('scroll', schedule, { passive: true });
  return {
    element: viewport,
    setItems(next) {
      items = next;
      schedule();
    },
  };
}
