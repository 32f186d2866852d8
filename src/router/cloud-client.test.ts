import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker';
import { CircuitOpenError } from './circuit-breaker';
import {
  CloudHttpError,
  createCloudClient,
  StreamInterruptedError,
  type AttemptReport,
} from './cloud-client';
import type { EndpointConfig } from './endpoint';
import { privacyStack, recordingClock } from './test-support';
import { createDevEndpoint, type DevEndpoint } from '../../scripts/dev-endpoint/server.mjs';
import { cosine } from '../agents/memory/embedding-provider';

let dev: DevEndpoint;
beforeAll(async () => {
  dev = await createDevEndpoint({ port: 0 });
});
afterEach(() => dev.reset());
afterAll(() => dev.close());

async function client(
  options: { threshold?: number; cooldownMs?: number; maxAttempts?: number; embeddingModel?: string } = {},
) {
  const stack = privacyStack();
  await stack.consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
  const clock = recordingClock();
  const reports: AttemptReport[] = [];
  const endpoint: EndpointConfig = {
    id: 'dev',
    baseUrl: dev.url,
    clearance: 'private',
    model: 'sentio-dev-echo',
    costPer1kTokens: 0.5,
    ...(options.embeddingModel ? { embeddingModel: options.embeddingModel } : {}),
  };
  const breaker = createCircuitBreaker({
    failureThreshold: options.threshold ?? 5,
    cooldownMs: options.cooldownMs ?? 60_000,
    now: clock.now,
  });
  const c = createCloudClient({
    gate: stack.gate,
    endpoint,
    breaker,
    clock,
    random: () => 1,
    retry: { baseMs: 100, maxMs: 1000, maxAttempts: options.maxAttempts ?? 5 },
    onAttempt: (r) => reports.push(r),
  });
  return { c, clock, reports, breaker, ...stack };
}
const hello = [{ role: 'user' as const, content: 'hello sentio router' }];

describe('cloud client', () => {
  it('streams a chat completion delta by delta, with usage and cost', async () => {
    const { c } = await client();
    const deltas: string[] = [];
    const r = await c.chat(hello, { privacy: 'private', onDelta: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(r.text);
    expect(r.text).toMatch(/^Development endpoint, not a model/);
    expect(r.completionTokens).toBeGreaterThan(0);
    expect(r.cost).toBeCloseTo(((r.promptTokens + r.completionTokens) / 1000) * 0.5);
  });

  it('retries 500s with growing jittered backoff and 429s after exactly Retry-After, one key throughout', async () => {
    const { c, clock, reports } = await client();
    dev.setFaults({ script: [{ status: 500 }, { status: 500 }, { status: 429, retryAfter: 3 }] });
    const r = await c.chat(hello, { privacy: 'private', idempotencyKey: 'key-1' });
    expect(r.attempts).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 3000]);
    expect(reports.map((x) => x.outcome)).toEqual(['retry', 'retry', 'retry', 'ok']);
    expect(new Set(dev.log().map((l) => l.idempotencyKey))).toEqual(new Set(['key-1']));
  });

  it('retries a connection dropped before the answer', async () => {
    const { c } = await client();
    dev.setFaults({ script: [{ drop: 'before-response' }] });
    const r = await c.chat(hello, { privacy: 'private' });
    expect(r.attempts).toBe(2);
  });

  it('does not retry a stream that broke after tokens were handed out', async () => {
    const { c } = await client();
    dev.setFaults({ script: [{ drop: 'mid-stream' }] });
    const deltas: string[] = [];
    await expect(
      c.chat(hello, { privacy: 'private', onDelta: (d) => deltas.push(d) }),
    ).rejects.toBeInstanceOf(StreamInterruptedError);
    expect(deltas.length).toBeGreaterThan(0);
    expect(dev.stats().requests).toBe(1);
  });

  it('does not retry a 4xx, and gives up after maxAttempts', async () => {
    const { c } = await client({ maxAttempts: 2 });
    await expect(
      c.postJson('v1/nowhere', {}, { privacy: 'private', what: 'x', capability: 'cloud.chat' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(dev.stats().requests).toBe(1);
    dev.setFaults({ script: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    await expect(c.chat(hello, { privacy: 'private' })).rejects.toBeInstanceOf(CloudHttpError);
    expect(dev.stats().requests).toBe(3);
  });

  it('opens the circuit after repeated failures, refuses while open, closes after a good trial', async () => {
    const { c, breaker } = await client({ threshold: 3, maxAttempts: 3, cooldownMs: 1000 });
    dev.setFaults({ script: [{ status: 500 }, { status: 500 }, { status: 500 }] });
    await expect(c.chat(hello, { privacy: 'private' })).rejects.toBeInstanceOf(CloudHttpError);
    expect(breaker.state()).toBe('open');
    await expect(c.chat(hello, { privacy: 'private' })).rejects.toBeInstanceOf(CircuitOpenError);
    expect(dev.stats().requests).toBe(3);
    await new Promise((r) => setTimeout(r, 1050));
    expect(breaker.state()).toBe('half-open');
    await c.chat(hello, { privacy: 'private' });
    expect(breaker.state()).toBe('closed');
  });

  it('embeds through the endpoint: a paraphrase is nearer than unrelated text, cost from the real token count', async () => {
    const { c, consent } = await client({ embeddingModel: 'use-lite-en' });
    await consent.grant({ capability: 'cloud.embeddings', endpoint: 'dev' });
    const { vectors, cost } = await c.embed(
      [
        'The meeting has been moved to Thursday afternoon.',
        'We rescheduled the meeting for Thursday after lunch.',
        'Penguins huddle together to survive the Antarctic winter.',
      ],
      { privacy: 'private' },
    );
    expect(vectors.map((v) => v.length)).toEqual([512, 512, 512]);
    const paraphrase = cosine(vectors[0]!, vectors[1]!);
    const unrelated = cosine(vectors[0]!, vectors[2]!);
    expect(paraphrase).toBeGreaterThan(0.5);
    expect(paraphrase).toBeGreaterThan(unrelated + 0.3);
    expect(dev.stats().models.embeddings.state).toBe('ready');
    // Cost comes from the usage the endpoint reported: its tokenizer's count, at least one piece per word.
    const tokens = Math.round((cost / 0.5) * 1000);
    expect(cost).toBeCloseTo((tokens / 1000) * 0.5, 9);
    expect(tokens).toBeGreaterThanOrEqual(24);
    // The endpoint loads the encoder on this first request: seconds on a loaded 2-core machine.
  }, 60_000);

  it('gets a 400 naming the bad field for a bad embeddings request, and does not retry it', async () => {
    // The chat model is not an embedding model: the endpoint names "model" and the client does not retry.
    const { c, consent } = await client();
    await consent.grant({ capability: 'cloud.embeddings', endpoint: 'dev' });
    const err = await c.embed(['hello'], { privacy: 'private' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudHttpError);
    expect(err).toMatchObject({ status: 400 });
    expect((err as Error).message).toBe(
      '"dev" answered 400: "model" must be "use-lite-en" (the only embedding model served here), got "sentio-dev-echo"',
    );
    expect(dev.stats().requests).toBe(1);
    const { c: good, consent: goodConsent } = await client({ embeddingModel: 'use-lite-en' });
    await goodConsent.grant({ capability: 'cloud.embeddings', endpoint: 'dev' });
    await expect(good.embed(['fine', '  '], { privacy: 'private' })).rejects.toThrow(
      '"dev" answered 400: "input[1]" is empty',
    );
  });

  it('times out a silent endpoint', async () => {
    const stack = privacyStack();
    await stack.consent.grant({ capability: 'cloud.chat', endpoint: 'dev' });
    const clock = recordingClock();
    const c = createCloudClient({
      gate: stack.gate,
      endpoint: { id: 'dev', baseUrl: dev.url, clearance: 'private', model: 'm', costPer1kTokens: 0 },
      breaker: createCircuitBreaker({ failureThreshold: 9, cooldownMs: 1, now: clock.now }),
      clock,
      timeoutMs: 100,
      retry: { maxAttempts: 1 },
    });
    dev.setFaults({ latencyMs: 400 });
    await expect(c.chat(hello, { privacy: 'private' })).rejects.toMatchObject({ name: 'CloudTimeoutError' });
  });

  it('stops at once when the caller aborts, without counting it against the endpoint', async () => {
    const { c, breaker } = await client({ threshold: 1 });
    dev.setFaults({ latencyMs: 300 });
    const ac = new AbortController();
    const p = c.chat(hello, { privacy: 'private', signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user cancelled')), 50);
    await expect(p).rejects.toThrow('user cancelled');
    expect(breaker.state()).toBe('closed');
  });
});
