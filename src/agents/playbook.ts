// Rules without code: a playbook is plain data (topic pattern + condition → actions), so it can be stored,
// edited in the app and shipped by plugins. Rules are indexed by topic in the bus's trie, so an event is
// matched against only the rules whose pattern fits it. A playbook compiles to an ordinary agent: it gets
// the same durable inbox, retries and exactly-once actions.
import type { SentioEvent } from '../events/event';
import { TopicTrie } from '../events/topic-trie';
import { defineAgent, type ResolvedAgent } from './define';
import { AgentDefinitionError } from './errors';
import type { AgentDefinition } from './types';

type Scalar = string | number | boolean | null;

export type Condition =
  | { path: string; op: '==' | '!=' | '>' | '>=' | '<' | '<='; value: Scalar }
  | { path: string; op: 'in'; value: Scalar[] }
  | { path: string; op: 'exists' }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** `{ $from: "payload.score" }` anywhere in a payload is replaced by that field of the event. */
export type Template = Scalar | { $from: string } | Template[] | { [key: string]: Template };

export type PlaybookAction = { act: string; payload?: Template } | { emit: string; payload?: Template };

export interface Rule {
  id: string;
  when: string;
  if?: Condition;
  then: PlaybookAction[];
}

export interface Playbook extends Omit<
  AgentDefinition<PlaybookState>,
  'on' | 'subscribe' | 'initialState' | 'stateVersion' | 'migrate'
> {
  rules: Rule[];
}

export interface PlaybookState {
  /** How often each rule fired. */
  fired: Record<string, number>;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function evaluate(c: Condition, event: SentioEvent): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, event));
  if ('any' in c) return c.any.some((x) => evaluate(x, event));
  if ('not' in c) return !evaluate(c.not, event);
  const v = getPath(event, c.path);
  switch (c.op) {
    case 'exists':
      return v !== undefined;
    case 'in':
      return c.value.includes(v as Scalar);
    case '==':
      return v === c.value;
    case '!=':
      return v !== c.value;
    default: {
      if (typeof v !== typeof c.value || (typeof v !== 'number' && typeof v !== 'string')) return false;
      const a = v as number | string;
      const b = c.value as number | string;
      return c.op === '>' ? a > b : c.op === '>=' ? a >= b : c.op === '<' ? a < b : a <= b;
    }
  }
}

export function render(t: Template | undefined, event: SentioEvent): unknown {
  if (t === undefined || t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map((x) => render(x, event));
  if ('$from' in t && typeof t.$from === 'string') return getPath(event, t.$from);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, render(v, event)]));
}

const OPS = new Set(['==', '!=', '>', '>=', '<', '<=', 'in', 'exists']);

function checkCondition(c: unknown, where: string): void {
  if (c === null || typeof c !== 'object')
    throw new AgentDefinitionError(`${where}: a condition must be an object`);
  const o = c as Record<string, unknown>;
  if ('all' in o || 'any' in o) {
    const list = o.all ?? o.any;
    if (!Array.isArray(list))
      throw new AgentDefinitionError(`${where}: all/any must be a list of conditions`);
    list.forEach((x, i) => checkCondition(x, `${where}.${'all' in o ? 'all' : 'any'}[${i}]`));
    return;
  }
  if ('not' in o) return checkCondition(o.not, `${where}.not`);
  if (typeof o.path !== 'string' || !o.path)
    throw new AgentDefinitionError(`${where}: path must be a field path`);
  if (!OPS.has(o.op as string))
    throw new AgentDefinitionError(
      `${where}: op must be one of ${[...OPS].join(' ')} (got ${JSON.stringify(o.op)})`,
    );
  if (o.op === 'in' && !Array.isArray(o.value))
    throw new AgentDefinitionError(`${where}: "in" needs a list value`);
}

export function definePlaybook(pb: Playbook): ResolvedAgent<PlaybookState> {
  if (!Array.isArray(pb.rules) || pb.rules.length === 0)
    throw new AgentDefinitionError(`playbook "${pb.id}": rules must list at least one rule`);
  const trie = new TopicTrie<Rule>();
  const ids = new Set<string>();
  pb.rules.forEach((r, i) => {
    const where = `playbook "${pb.id}" rule ${i}`;
    if (typeof r.id !== 'string' || !r.id)
      throw new AgentDefinitionError(`${where}: id must be a non-empty string`);
    if (ids.has(r.id)) throw new AgentDefinitionError(`${where}: duplicate rule id "${r.id}"`);
    ids.add(r.id);
    try {
      trie.add(r.when, r);
    } catch (e) {
      throw new AgentDefinitionError(`${where}: when: ${(e as Error).message}`);
    }
    if (r.if !== undefined) checkCondition(r.if, `${where}: if`);
    if (!Array.isArray(r.then) || r.then.length === 0)
      throw new AgentDefinitionError(`${where}: then must list at least one action`);
    for (const a of r.then)
      if (
        !a ||
        (typeof (a as { act?: unknown }).act !== 'string' &&
          typeof (a as { emit?: unknown }).emit !== 'string')
      )
        throw new AgentDefinitionError(`${where}: each action needs "act" (a kind) or "emit" (a topic)`);
  });
  const { rules: _rules, ...options } = pb;
  return defineAgent<PlaybookState>({
    ...options,
    subscribe: [...new Set(pb.rules.map((r) => r.when))],
    initialState: { fired: {} },
    on(event, ctx) {
      // Trie order is not rule order; fire in the order the rules were written.
      const matched = [...trie.match(event.topic)].sort((a, b) => pb.rules.indexOf(a) - pb.rules.indexOf(b));
      for (const rule of matched) {
        if (rule.if && !evaluate(rule.if, event)) continue;
        ctx.state.fired[rule.id] = (ctx.state.fired[rule.id] ?? 0) + 1;
        for (const a of rule.then) {
          if ('act' in a) ctx.act(a.act, render(a.payload, event));
          else ctx.emit(a.emit, render(a.payload, event));
        }
      }
    },
  });
}
