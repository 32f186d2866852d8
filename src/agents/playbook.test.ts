import { describe, expect, it } from 'vitest';
import type { SentioEvent } from '../events/event';
import { AgentDefinitionError } from './errors';
import { definePlaybook, evaluate, render, type Condition } from './playbook';
import type { AgentContext, AgentAction } from './types';

function event(topic: string, payload: unknown): SentioEvent {
  return {
    id: 'e1',
    topic,
    type: topic,
    ts: 0,
    source: 't',
    privacy: 'private',
    qos: 'batched',
    payload,
  } as SentioEvent;
}

function run(pb: ReturnType<typeof definePlaybook>, e: SentioEvent) {
  const actions: Omit<AgentAction, 'key' | 'agentId' | 'eventId'>[] = [];
  const ctx = {
    state: structuredClone(pb.initialState),
    act: (kind: string, payload: unknown) => void actions.push({ kind, payload }),
    emit: (topic: string, payload: unknown) =>
      void actions.push({ kind: 'emit', payload: { topic, payload } }),
  } as unknown as AgentContext<{ fired: Record<string, number> }>;
  void pb.on(e, ctx);
  return { state: ctx.state, actions };
}

describe('playbooks', () => {
  const pb = definePlaybook({
    id: 'home',
    rules: [
      {
        id: 'hot',
        when: 'sensor.*.temperature',
        if: {
          all: [
            { path: 'payload.c', op: '>', value: 30 },
            { not: { path: 'payload.muted', op: '==', value: true } },
          ],
        },
        then: [{ act: 'alert', payload: { c: { $from: 'payload.c' }, room: 'x' } }],
      },
      { id: 'any-sensor', when: 'sensor.>', then: [{ emit: 'log.sensor', payload: { $from: 'topic' } }] },
    ],
  });

  it('subscribes to each rule pattern once', () => {
    expect(pb.subscriptions.map((s) => s.pattern)).toEqual(['sensor.*.temperature', 'sensor.>']);
  });

  it('fires matching rules in written order, with templated payloads', () => {
    const { state, actions } = run(pb, event('sensor.kitchen.temperature', { c: 35 }));
    expect(state.fired).toEqual({ hot: 1, 'any-sensor': 1 });
    expect(actions).toEqual([
      { kind: 'alert', payload: { c: 35, room: 'x' } },
      { kind: 'emit', payload: { topic: 'log.sensor', payload: 'sensor.kitchen.temperature' } },
    ]);
  });

  it('skips rules whose condition is false', () => {
    expect(run(pb, event('sensor.kitchen.temperature', { c: 35, muted: true })).state.fired).toEqual({
      'any-sensor': 1,
    });
    expect(run(pb, event('sensor.kitchen.temperature', { c: 20 })).state.fired).toEqual({ 'any-sensor': 1 });
  });

  it('evaluates every operator', () => {
    const e = event('a', { n: 5, s: 'b', t: true });
    const yes: Condition[] = [
      { path: 'payload.n', op: '>=', value: 5 },
      { path: 'payload.n', op: '<', value: 6 },
      { path: 'payload.s', op: 'in', value: ['a', 'b'] },
      { path: 'payload.t', op: 'exists' },
      {
        any: [
          { path: 'payload.n', op: '==', value: 1 },
          { path: 'payload.n', op: '!=', value: 1 },
        ],
      },
    ];
    const no: Condition[] = [
      { path: 'payload.n', op: '>', value: 'a' },
      { path: 'payload.missing', op: 'exists' },
      { path: 'payload.n', op: '<=', value: 4 },
    ];
    for (const c of yes) expect(evaluate(c, e)).toBe(true);
    for (const c of no) expect(evaluate(c, e)).toBe(false);
    expect(render([{ $from: 'payload.n' }, 'k'], e)).toEqual([5, 'k']);
  });

  it('rejects malformed playbooks with a message naming the rule and field', () => {
    const bad = (rules: unknown) => () => definePlaybook({ id: 'p', rules: rules as never });
    expect(bad([])).toThrow(AgentDefinitionError);
    expect(bad([{ id: 'r', when: 'a..b', then: [{ act: 'x' }] }])).toThrow(/rule 0: when/);
    expect(bad([{ id: 'r', when: 'a', if: { path: 'x', op: '~' }, then: [{ act: 'x' }] }])).toThrow(
      /op must be one of/,
    );
    expect(bad([{ id: 'r', when: 'a', then: [] }])).toThrow(/then must list/);
    expect(bad([{ id: 'r', when: 'a', then: [{ do: 'x' }] }])).toThrow(/"act" \(a kind\) or "emit"/);
    expect(
      bad([
        { id: 'r', when: 'a', then: [{ act: 'x' }] },
        { id: 'r', when: 'b', then: [{ act: 'x' }] },
      ]),
    ).toThrow(/duplicate rule id/);
  });
});
