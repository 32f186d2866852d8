// Building DOM from data without ever parsing it as HTML: text goes in through textContent only, so an
// event payload like "<img onerror=…>" is shown as those characters and never becomes markup.
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; testId?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.testId) node.dataset.testid = props.testId;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) if (c) node.append(c);
  return node;
}

export function section(title: string, testId: string, ...children: Child[]): HTMLElement {
  return el('section', { className: 'card', testId }, el('h2', { text: title }), ...children);
}

const keyed = new WeakMap<Element, Map<unknown, HTMLElement>>();

/**
 * Makes `parent`'s children the elements for `items`, in order, keeping one element per key across calls (a
 * key is compared as a Map key: a string, or the item itself when items keep their identity): `create` makes a
 * new key's element, `update` brings an existing one up to date (and should touch only what changed). Only
 * elements out of place are moved, so a new item at the top inserts one node. A panel that re-renders several
 * times a second then costs the browser nothing where nothing changed, where rebuilding the children would
 * restyle, lay out and repaint them all every time. `parent` must hold nothing else.
 */
export function keyedChildren<T>(
  parent: Element,
  items: readonly T[],
  key: (item: T) => unknown,
  create: (item: T) => HTMLElement,
  update: (node: HTMLElement, item: T) => void,
): void {
  const before = keyed.get(parent) ?? new Map<unknown, HTMLElement>();
  const after = new Map<unknown, HTMLElement>();
  const nodes = items.map((item) => {
    const k = key(item);
    let node = before.get(k);
    if (node) update(node, item);
    else node = create(item);
    after.set(k, node);
    return node;
  });
  keyed.set(parent, after);
  for (const [k, node] of before) if (!after.has(k)) node.remove();
  let cursor = parent.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
  // Anything left after the keyed elements was not made here.
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

/** Sets a text-bearing element's first text node (created if missing) without touching its other children. */
export function setLeadingText(node: Element, text: string): void {
  const first = node.firstChild;
  if (first instanceof Text) {
    if (first.data !== text) first.data = text;
  } else node.prepend(text);
}

/** Sets `className` only when it differs (an equal assignment still invalidates style in some engines). */
export function setClass(node: Element, className: string): void {
  if (node.className !== className) node.className = className;
}

/** An element's content-box size, kept by a ResizeObserver. */
export interface ObservedSize {
  readonly width: number;
  readonly height: number;
  disconnect(): void;
}

/**
 * The size of `node` without asking layout for it: reading `clientWidth` in a render, after another panel
 * wrote to the DOM in the same frame, forces a synchronous layout of the whole page. Read once at the start,
 * then updated by a ResizeObserver (which reports after layout, at no extra cost); `onChange` runs on each report.
 */
export function observeSize(node: Element, onChange?: () => void): ObservedSize {
  let width = node.clientWidth;
  let height = node.clientHeight;
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]!.contentRect;
    width = box.width;
    height = box.height;
    onChange?.();
  });
  observer.observe(node);
  return {
    get width() {
      return width;
    },
    get height() {
      return height;
    },
    disconnect: () => observer.disconnect(),
  };
}
