// A list that renders only the rows in view (plus a few), so thousands of events cost a few dozen nodes.
// Rows have a fixed height; a spacer gives the scroll range. Items are asked for by range (the source never
// builds the whole list), and a row already on screen for the same item is moved, not rebuilt.
import { keyedChildren, observeSize } from '../dom';

export interface ListSource<T> {
  length(): number;
  /** Items `first` … `first + count - 1`. */
  slice(first: number, count: number): readonly T[];
}

export interface VirtualList {
  readonly element: HTMLElement;
  /** Draws the rows in view now (the caller decides when: see render-scheduler.ts). */
  render(): void;
}

export function createVirtualList<T extends object>(
  rowHeight: number,
  source: ListSource<T>,
  renderRow: (item: T) => HTMLElement,
  options: { testId?: string; overscan?: number } = {},
): VirtualList {
  const overscan = options.overscan ?? 6;
  const viewport = document.createElement('div');
  viewport.className = 'vlist';
  if (options.testId) viewport.dataset.testid = options.testId;
  viewport.setAttribute('role', 'list');
  const spacer = document.createElement('div');
  spacer.className = 'vlist-spacer';
  viewport.append(spacer);
  let scrollFrame = 0;
  // Kept from scroll events and a ResizeObserver, never read in render: the render runs in the same frame as
  // other panels' DOM writes, and a layout read there forces a synchronous layout of the page.
  let scrollTop = 0;
  const size = observeSize(viewport);

  const placeRow = (row: HTMLElement, { at }: { at: number }) => {
    const top = `${at * rowHeight}px`;
    if (row.style.top !== top) row.style.top = top;
  };

  const render = () => {
    const length = source.length();
    const height = `${length * rowHeight}px`;
    if (spacer.style.height !== height) spacer.style.height = height;
    const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
    const count = Math.ceil((size.height || 400) / rowHeight) + 2 * overscan;
    // In list order (what a screen reader reads): a row already shown for the same item is kept and moved
    // only if it is out of place.
    keyedChildren(
      spacer,
      source.slice(first, count).map((item, k) => ({ item, at: first + k })),
      (r) => r.item,
      (r) => {
        const row = renderRow(r.item);
        row.setAttribute('role', 'listitem');
        row.style.position = 'absolute';
        row.style.height = `${rowHeight}px`;
        placeRow(row, r);
        return row;
      },
      placeRow,
    );
  };
  // Scrolling is the user's own doing: follow it within the frame.
  viewport.addEventListener(
    'scroll',
    () => {
      scrollTop = viewport.scrollTop;
      scrollFrame ||= requestAnimationFrame(() => {
        scrollFrame = 0;
        render();
      });
    },
    { passive: true },
  );
  return { element: viewport, render };
}
