// startRouting in Node over fake-indexeddb (a complete IndexedDB): which endpoint it picks and why, settings
// applied without a restart, what survives an endpoint switch, and the agents' infer function. Requests to a
// real endpoint are covered in Chromium by e2e/app-router.spec.ts.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createLocalBus } from '../bus/local-bus';
import type { SentioEvent } from '../events/event';
import { openDatabase } from '../storage/db';
import { ENDPOINTS_KEY, type RouterSettings } from './router-settings';
import { startRouting, type StartRoutingOptions } from './routing';

let n = 0;
const offline = { online: () => false, state: () => ({ online: false }), onChange: () => () => undefined };

function options(extra: Partial<StartRoutingOptions> = {}) {
  const bus = createLocalBus({ name: 'app' });
  const decisions: SentioEvent[] = [];
  bus.subscribe('router.decision', (e) => void decisions.push(e));
  const global: { sentio?: { router?: unknown; routing?: unknown } } = {};
  const o: StartRoutingOptions = {
    bus,
    db: openDatabase(`routing-test-${Date.now()}-${n++}`),
    inference: () => {
      throw new Error('no local model runs in these tests');
    },
    devEndpointUrl: undefined,
    network: offline,
    consentChannel: null,
    global,
    ...extra,
  };
  return { o, decisions, global };
}

const ollama = {
  id: 'ollama',
  baseUrl: 'http://127.0.0.1:11434',
  model: 'llama3.1:8b',
  costPer1kTokens: 0,
  clearance: 'private' as const,
};

describe('startRouting', () => {
  it('with no endpoint runs local-only and says why; window.sentio gets router and routing', async () => {
    const { o, global } = options();
    const routing = await startRouting(o);
    expect(routing.view()).toMatchObject({
      endpoint: null,
      localOnly: 'no cloud endpoint is configured (add one in Settings)',
    });
    expect(global.sentio?.router).toBe(routing.view());
    expect(global.sentio?.routing).toBe(routing);
  });

  it('uses the development endpoint the build names by default, flagged development', async () => {
    const { o } = options({ devEndpointUrl: 'http://127.0.0.1:8790' });
    const view = (await startRouting(o)).view();
    expect(view.localOnly).toBeNull();
    expect(view.endpoint).toMatchObject({
      id: 'development',
      baseUrl: 'http://127.0.0.1:8790',
      model: 'sentio-dev-echo',
      development: true,
      clearance: 'private',
      redactPii: true,
    });
    expect(view.breaker?.state()).toBe('closed');
  });

  it('reports stored settings that no longer parse instead of guessing, and runs local-only', async () => {
    const { o } = options({ devEndpointUrl: 'http://127.0.0.1:8790' });
    await o.db.settings.put({ key: ENDPOINTS_KEY, value: [{ id: 'x', baseUrl: 'gopher://old' }] });
    const view = (await startRouting(o)).view();
    expect(view.endpoint).toBeNull();
    expect(view.localOnly).toMatch(
      /^the stored router settings could not be read \(stored setting "router\.endpoints" is invalid: /,
    );
    expect(view.localOnly).toContain('base URL must be http(s), not gopher:');
  });

  it('applies new settings without a restart, persists them, and keeps consent, audit and spend', async () => {
    const { o } = options({ devEndpointUrl: 'http://127.0.0.1:8790' });
    const routing = await startRouting(o);
    const first = routing.view();
    first.budget.spend('global', 0.25);
    const seen: (string | null)[] = [];
    routing.onChange((v) => seen.push(v.endpoint?.id ?? null));
    const next: RouterSettings = {
      ...routing.settings(),
      endpoints: [...routing.settings().endpoints, ollama],
      active: 'ollama',
      budget: { perDay: 5, perSession: 1 },
      privacy: { redactPii: false, defaultLabel: 'public' },
    };
    await routing.apply(next);
    const view = routing.view();
    expect(view.endpoint).toMatchObject({ id: 'ollama', development: false, redactPii: false });
    expect(view.consent).toBe(first.consent);
    expect(view.audit).toBe(first.audit);
    expect(view.budget.spent().session).toBe(0.25);
    expect(routing.caps).toMatchObject({ globalPerDay: 5, globalPerSession: 1 });
    expect(view.budget.remaining('global')).toBe(0.75);
    expect(seen).toEqual(['development', 'ollama']);

    // Another start on the same database reads what was applied.
    const again = await startRouting({ ...o, global: {} });
    expect(again.settings()).toEqual(next);
    expect(again.view().endpoint?.id).toBe('ollama');

    await routing.apply({ ...next, active: null });
    expect(routing.view().localOnly).toBe('no cloud endpoint is selected (choose one in Settings)');
  });

  it('infer labels a request with the default label unless it carries one, and refuses a bad label', async () => {
    const { o, decisions } = options();
    const routing = await startRouting(o);
    const codes = async (options?: Record<string, unknown>) =>
      ((await routing.infer('chat', 'hello', options)) as { decision: { code: string } }).decision.code;
    // No endpoint, so nothing can be sent: a private request is refused for want of consent…
    expect(await codes()).toBe('no-consent');
    // …a local one for its label, before consent is even asked.
    expect(await codes({ privacy: 'local', priority: 'normal' })).toBe('privacy-local-unsupported');
    expect(decisions).toHaveLength(2);
    await expect(routing.infer('chat', 'hello', { privacy: 'secret' })).rejects.toThrow(
      'infer options.privacy must be one of local, private, public, got secret',
    );
  });
});
