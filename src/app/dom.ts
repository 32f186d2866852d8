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
