// Subscriptions indexed by pattern in a trie: matching a topic walks at most (tokens × 3) nodes, whatever
// the number of subscriptions. Results are memoised per topic, since a live bus publishes on a small set
// of topics over and over; any add/remove clears the memo.
import { assertPattern } from './topic';

interface Node<T> {
  children: Map<string, Node<T>>;
  star: Node<T> | undefined;
  /** Values whose pattern ends here. */
  exact: Set<T>;
  /** Values whose pattern ends in `>` right after this node. */
  rest: Set<T>;
}

function node<T>(): Node<T> {
  return { children: new Map(), star: undefined, exact: new Set(), rest: new Set() };
}

const MEMO_LIMIT = 4096;

export class TopicTrie<T> {
  private readonly root: Node<T> = node();
  private readonly memo = new Map<string, readonly T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(pattern: string, value: T): void {
    assertPattern(pattern);
    let n = this.root;
    const tokens = pattern.split('.');
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i]!;
      if (tok === '>') {
        if (!n.rest.has(value)) this.count++;
        n.rest.add(value);
        this.memo.clear();
        return;
      }
      if (tok === '*') n = n.star ??= node();
      else {
        let next = n.children.get(tok);
        if (!next) n.children.set(tok, (next = node()));
        n = next;
      }
    }
    if (!n.exact.has(value)) this.count++;
    n.exact.add(value);
    this.memo.clear();
  }

  /** Returns whether the value was there. Empty branches are pruned so churn does not grow the trie. */
  remove(pattern: string, value: T): boolean {
    const tokens = pattern.split('.');
    const path: { parent: Node<T>; key: string | null }[] = [];
    let n: Node<T> | undefined = this.root;
    let removed = false;
    for (let i = 0; i < tokens.length && n; i++) {
      const tok = tokens[i]!;
      if (tok === '>') {
        removed = n.rest.delete(value);
        break;
      }
      const next: Node<T> | undefined = tok === '*' ? n.star : n.children.get(tok);
      path.push({ parent: n, key: tok === '*' ? null : tok });
      n = next;
      if (i === tokens.length - 1 && n) removed = n.exact.delete(value);
    }
    if (!removed) return false;
    this.count--;
    this.memo.clear();
    for (let i = path.length - 1; i >= 0; i--) {
      const { parent, key } = path[i]!;
      const child = key === null ? parent.star : parent.children.get(key);
      if (!child || child.exact.size || child.rest.size || child.children.size || child.star) break;
      if (key === null) parent.star = undefined;
      else parent.children.delete(key);
    }
    return true;
  }

  /** Every value whose pattern matches the concrete `topic`, each once. The array must not be mutated. */
  match(topic: string): readonly T[] {
    const hit = this.memo.get(topic);
    if (hit) return hit;
    const out = new Set<T>();
    this.walk(this.root, topic.split('.'), 0, out);
    const result = [...out];
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(topic, result);
    return result;
  }

  private walk(n: Node<T>, tokens: string[], i: number, out: Set<T>): void {
    if (i === tokens.length) {
      for (const v of n.exact) out.add(v);
      return;
    }
    for (const v of n.rest) out.add(v);
    const child = n.children.get(tokens[i]!);
    if (child) this.walk(child, tokens, i + 1, out);
    if (n.star) this.walk(n.star, tokens, i + 1, out);
  }
}
