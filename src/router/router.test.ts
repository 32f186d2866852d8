import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBus } from '../bus/local-bus';
import type { SentioEvent } from '../events/event';
import { createBudget } from './budget';
import { createCircuitBreaker } from './circuit-breaker';
import { createCloudClient } from './cloud-client';
import { systemClock } from '../platform/clock';
import { agreementOf, mergeAnswers } from './merge';
import { createOutbox } from './outbox';
import { createRouter, type LocalInference, type LocalSufficiency } from './router';
import { learnedSufficiency, trainLogistic } from './learned';
import { chatTask } from './tasks';
import { privacyStack } from './test-support';
import { wordErrorRate } from '../inference/wer';
import { createDevEndpoint, type DevEndpoint } from '../../scripts/dev-endpoint/server.mjs';

let dev: DevEndpoint;
beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0 });
});
afterEach(() => dev.reset());
afterAll(() => dev.close());

/**
 * The local side for these tests: answers with a confidence the test picks through the input, so each
 * route can be reached on purpose. (Real local inference is src/inference/'s `sentio.infer`.)
 */
const local: LocalInference = {
  supports: (task) => task === 'chat',
  estimateLatencyMs: () => 30,
  run: async (_task, input) => {
    const { text, confidence, delayMs, until } = input as {
      text: string;
      confidence: number;
      delayMs?: number;
      /** The local run does not finish before this holds: how a test proves what happened during it. */
      until?: () => boolean;
    };
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    while (until && !until()) await new Promise((resolve) => setTimeout(resolve, 5));
    return { output: { text: `local draft: ${text}` }, confidence };
  },
};

async function setup(options: { online?: boolean; withLocal?: boolean; learned?: LocalSufficiency } = {}) {
  const stack = privacyStack();
  await stack.consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
  const bus = createLocalBus({ name: 'router-test' });
  const clock = systemClock;
  const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: clock.now });
  const client = createCloudClient({
    gate: stack.gate,
    endpoint: {
      id: 'dev',
      baseUrl: dev.url,
      clearance: 'private',
      model: 'sentio-dev-echo',
      costPer1kTokens: 1,
    },
    breaker,
    clock,
    retry: { maxAttempts: 2, baseMs: 10 },
  });
  let online = options.online ?? true;
  const outbox = createOutbox({
    db: stack.db,
    clock,
    network: { online: () => online, onChange: () => () => undefined },
    deliver: (q) => client.postJson('v1/echo', q.request.body, { ...q.request, idempotencyKey: q.id }),
  });
  const seen: SentioEvent[] = [];
  bus.subscribe('router.>', (e) => void seen.push(e));
  bus.subscribe('coach.>', (e) => void seen.push(e));
  const chatInput = (text: string, confidence: number) => ({
    text,
    confidence,
    messages: [{ role: 'user', content: text }],
  });
  const router = createRouter({
    bus,
    clock,
    consent: stack.consent,
    budget: createBudget({
      globalPerDay: 10,
      globalPerSession: 10,
      perAgentPerDay: 10,
      perAgentPerSession: 10,
    }),
    ...(options.withLocal === false ? {} : { local }),
    cloud: { client, breaker },
    cloudTasks: { chat: chatTask },
    network: () => ({ online }),
    db: stack.db,
    outbox,
    ...(options.learned ? { learned: options.learned } : {}),
  });
  return { ...stack, bus, router, seen, outbox, chatInput, setOnline: (v: boolean) => (online = v) };
}

const flush = () => new Promise((r) => setTimeout(r, 20));

describe('router', () => {
  it('answers confidently locally, records the decision with its reason on the bus and in the table', async () => {
    const { router, seen, db, chatInput } = await setup();
    const r = await router.infer('chat', chatInput('hi', 0.95), { privacy: 'private' });
    expect(r.decision).toMatchObject({ route: 'local', code: 'confident-local' });
    expect(r.output).toEqual({ text: 'local draft: hi' });
    await flush();
    const d = seen.find((e) => e.topic === 'router.decision')!;
    expect(d.payload).toMatchObject({ id: r.decisionId, route: 'local', task: 'chat' });
    expect((d.payload as { reason: string }).reason).toMatch(/0\.95/);
    await router.flush();
    const row = await db.decisions.get(r.decisionId);
    expect(row).toMatchObject({ route: 'local', features: { localConfidence: 0.95, privacy: 'private' } });
    expect(dev.stats().requests).toBe(0);
  });

  it('keeps local-labelled input on the device whatever the confidence', async () => {
    const { router, chatInput } = await setup();
    const r = await router.infer('chat', chatInput('secret', 0.1), { privacy: 'local' });
    expect(r.decision.code).toBe('privacy-local');
    expect(dev.stats().requests).toBe(0);
  });

  it('goes to the cloud when local is unsure, streaming deltas, and spends the budget', async () => {
    const { router, chatInput, db } = await setup();
    const deltas: string[] = [];
    const r = await router.infer('chat', chatInput('what is the capital of France', 0.2), {
      privacy: 'private',
      onDelta: (d) => deltas.push(d),
    });
    expect(r.decision).toMatchObject({ route: 'cloud', code: 'low-confidence-cloud', endpoint: 'dev' });
    expect((r.output as { text: string }).text).toMatch(/Development endpoint, not a model/);
    expect(deltas.length).toBeGreaterThan(3);
    await router.flush();
    const row = await db.decisions.get(r.decisionId);
    expect(row!.outcome).toMatchObject({ cost: expect.any(Number), agreement: expect.any(Number) });
  });

  it('hybrid: the draft is published first, the refinement after, merged', async () => {
    const { router, seen, chatInput } = await setup();
    dev.setFaults({ latencyMs: 150 });
    const r = await router.infer('chat', chatInput('tell me more', 0.7), {
      privacy: 'private',
      topic: 'coach.answer',
    });
    expect(r.decision.route).toBe('hybrid');
    expect(r.output).toEqual({ text: 'local draft: tell me more' });
    const merged = await r.refined!;
    await flush();
    const topics = seen.map((e) => e.topic).filter((t) => t.startsWith('coach.answer'));
    expect(topics).toEqual(['coach.answer.draft', 'coach.answer.refined']);
    const draft = seen.find((e) => e.topic === 'coach.answer.draft')!;
    const refined = seen.find((e) => e.topic === 'coach.answer.refined')!;
    expect(draft.ts).toBeLessThanOrEqual(refined.ts);
    expect(refined.privacy).toBe('private');
    expect((merged!.output as { text: string }).text).toMatch(/Development endpoint/);
    expect(merged!.agreement).toBeLessThan(0.5);
  });

  it('speculation: the cloud call starts while the local model still runs, and is aborted when local suffices', async () => {
    const { router, chatInput, gate } = await setup();
    // The local run ends only once the endpoint has the cloud request: without speculation this would hang.
    const r = await router.infer(
      'chat',
      { ...chatInput('slow local', 0.7), until: () => dev.log().length > 0 },
      { privacy: 'private', speculate: true },
    );
    expect(r.decision.route).toBe('hybrid');
    expect(await r.refined).not.toBeNull();
    expect(dev.log()).toHaveLength(1); // the speculative call was the refinement: nothing sent twice

    dev.reset();
    // The cloud answer is held 400 ms after it arrives; the confident local run ends as soon as the endpoint
    // has the speculative request (not after a fixed 50 ms: on a loaded machine the request may not have left
    // yet by then, and nothing would have been sent to abort). Local wins, the call in flight is aborted.
    dev.setFaults({ latencyMs: 400 });
    const sure = await router.infer(
      'chat',
      { ...chatInput('confident', 0.95), until: () => dev.log().length > 0 },
      { privacy: 'private', speculate: true },
    );
    expect(sure.decision.code).toBe('confident-local');
    await expect.poll(() => gate.inFlight()).toBe(0);
    expect(dev.log()).toHaveLength(1); // it had started…
    const noSpeculation = await router.infer('chat', chatInput('confident', 0.95), { privacy: 'private' });
    expect(noSpeculation.decision.code).toBe('confident-local');
    expect(dev.log()).toHaveLength(1); // …and without speculate nothing is sent at all
  });

  it('hybrid: a failing refinement leaves the draft standing and says why', async () => {
    const { router, seen, chatInput } = await setup();
    dev.setFaults({ script: [{ status: 500 }, { status: 500 }] });
    const r = await router.infer('chat', chatInput('x', 0.7), { privacy: 'private' });
    expect(await r.refined).toBeNull();
    await flush();
    expect(seen.some((e) => e.topic === 'router.chat.refine-failed')).toBe(true);
  });

  it('falls back to local when offline and local exists; drops what cannot wait', async () => {
    const { router, chatInput } = await setup({ online: false });
    const r = await router.infer('chat', chatInput('later', 0.2), { privacy: 'private', deferrable: true });
    expect(r.decision.code).toBe('low-confidence-fallback');
    const none = await router.infer('summarise', 'text', { privacy: 'private' });
    expect(none.decision).toMatchObject({ route: 'drop', code: 'no-consent' }); // no local model, no cloud task
  });

  it('defers to the outbox when offline with no local model, and delivers exactly once after reconnect', async () => {
    const { router, outbox, chatInput, setOnline } = await setup({ online: false, withLocal: false });
    const r = await router.infer('chat', chatInput('later please', 0), {
      privacy: 'private',
      deferrable: true,
    });
    expect(r.decision).toMatchObject({ route: 'defer', code: 'cloud-unavailable-defer' });
    expect(r.queued).toBe(r.decisionId);
    expect(await outbox.pending()).toBe(1);
    expect(await outbox.drain()).toMatchObject({ delivered: 0, remaining: 1 });
    setOnline(true);
    expect(await outbox.drain({ force: true })).toMatchObject({ delivered: 1, remaining: 0 });
    expect(dev.stats()).toMatchObject({ processed: 1, duplicates: 0 });
    expect(dev.log()[0]!.sample).toContain('later please');
  });

  it('an outbox delivers only what was queued for its own endpoint; the rest waits for theirs', async () => {
    const stack = privacyStack();
    const delivered: string[] = [];
    const outboxFor = (endpoint: string) =>
      createOutbox({
        db: stack.db,
        clock: systemClock,
        endpoint,
        network: { online: () => true, onChange: () => () => undefined },
        deliver: async (q) => void delivered.push(`${q.endpoint} → ${endpoint}`),
      });
    const request = {
      path: 'v1/echo',
      what: 'chat',
      capability: 'cloud.chat',
      privacy: 'private' as const,
      body: {},
    };
    const a = outboxFor('a');
    const b = outboxFor('b');
    await a.enqueue('a', request);
    await a.enqueue('b', request); // queued while B was the endpoint, before a switch to A
    expect(await a.drain({ force: true })).toMatchObject({ delivered: 1, remaining: 0 });
    expect(delivered).toEqual(['a → a']);
    expect(await a.pending()).toBe(1);
    expect(await b.drain({ force: true })).toMatchObject({ delivered: 1, remaining: 0 });
    expect(delivered).toEqual(['a → a', 'b → b']);
  });

  it('a trained learned router keeps the answer local when it predicts local suffices, and says so', async () => {
    // Trained on recorded outcomes where a quiet input (high snr) meant the local answer matched the cloud.
    const model = trainLogistic(
      [30, 25, 20, 15, 5, 0, -5].map((snr) => ({ x: [snr], y: snr >= 15 ? (1 as const) : (0 as const) })),
      ['snrDb'],
    );
    const { router, chatInput } = await setup({ learned: learnedSufficiency(model, 0.5) });
    const quiet = await router.infer('chat', chatInput('hi', 0.6), {
      privacy: 'private',
      features: { snrDb: 28 },
    });
    expect(quiet.decision).toMatchObject({ route: 'local', code: 'learned-local' });
    expect(quiet.decision.reason).toMatch(/learned router: local suffices with p=\d\.\d\d ≥ 0\.50/);
    const noisy = await router.infer('chat', chatInput('hi', 0.6), {
      privacy: 'private',
      features: { snrDb: 0 },
    });
    expect(noisy.decision.route).toBe('hybrid');
    await noisy.refined;
    expect(dev.stats().requests).toBe(1);
  });

  it('records user feedback on a decision and rejects nonsense scores', async () => {
    const { router, chatInput, db } = await setup();
    const r = await router.infer('chat', chatInput('hi', 0.95), { privacy: 'private' });
    await router.feedback(r.decisionId, 1);
    await router.flush();
    expect((await db.decisions.get(r.decisionId))!.outcome).toMatchObject({ feedback: 1 });
    await expect(router.feedback(r.decisionId, 2)).rejects.toThrow(/0\.\.1/);
  });
});

describe('merge and WER', () => {
  it('normalises numbers and punctuation', () => {
    expect(wordErrorRate({ reference: 'go forward ten meters', hypothesis: 'Go forward 10 meters.' })).toBe(
      0,
    );
    expect(wordErrorRate({ reference: 'a b c d', hypothesis: 'a x c' })).toBe(0.5);
    expect(wordErrorRate({ reference: '', hypothesis: '' })).toBe(0);
  });
  it('prefers the cloud for facts and blends confidences', () => {
    const agree = mergeAnswers(
      { output: 'go forward ten meters', confidence: 0.6 },
      { output: 'Go forward 10 meters.', confidence: 0.9 },
    );
    expect(agree.output).toBe('Go forward 10 meters.');
    expect(agree.agreement).toBe(1);
    expect(agree.confidence).toBeCloseTo(1 - 0.4 * 0.1);
    const disagree = mergeAnswers(
      { output: 'go home', confidence: 0.6 },
      { output: 'no way', confidence: 0.9 },
    );
    expect(disagree.confidence).toBeCloseTo(0.7 * 0.9 + 0.3 * 0.6);
    const facts = mergeAnswers(
      { output: { mood: 'happy', seen: 2 }, confidence: 0.5 },
      { output: { mood: 'calm' }, confidence: 0.9 },
    );
    expect(facts.output).toEqual({ mood: 'calm', seen: 2 });
    expect(agreementOf({ a: 1 }, { a: 1 })).toBe(1);
  });
});
