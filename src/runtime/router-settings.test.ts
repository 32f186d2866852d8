import { describe, expect, it } from 'vitest';
import { DEV_MODEL_ID } from '../../scripts/dev-endpoint/server.mjs';
import {
  BudgetSettingsSchema,
  DEV_RESPONDER_ID,
  devEndpointSettings,
  parseEndpoint,
  parseWith,
  PrivacyDefaultsSchema,
  toEndpointConfig,
} from './router-settings';

const good = {
  id: 'ollama',
  baseUrl: 'http://127.0.0.1:11434',
  model: 'llama3.1:8b',
  costPer1kTokens: 0,
  clearance: 'private',
};

describe('endpoint settings schema', () => {
  it('accepts a complete endpoint and trims text; empty optional fields are left out', () => {
    const r = parseEndpoint({ ...good, id: ' ollama ', model: ' llama3.1:8b ', apiKey: '', proxyUrl: '' });
    expect(r).toEqual({
      ok: true,
      value: { ...good, apiKey: undefined, proxyUrl: '' },
    });
  });

  it.each([
    [{ id: '' }, 'id', 'name is required'],
    [{ id: 'has space' }, 'id', 'name may use letters, digits, ".", "_" and "-" (at most 40)'],
    [
      { baseUrl: 'not a url' },
      'baseUrl',
      'base URL: "not a url" is not a URL (expected e.g. http://127.0.0.1:8790)',
    ],
    [{ baseUrl: 'file:///etc/passwd' }, 'baseUrl', 'base URL must be http(s), not file:'],
    [{ baseUrl: '' }, 'baseUrl', 'base URL is required'],
    [{ model: ' ' }, 'model', 'model is required'],
    [{ costPer1kTokens: Number.NaN }, 'costPer1kTokens', 'cost per 1k tokens must be a number'],
    [{ costPer1kTokens: -1 }, 'costPer1kTokens', 'cost per 1k tokens must be ≥ 0'],
    [{ costPer1kTokens: Infinity }, 'costPer1kTokens', 'cost per 1k tokens must be a finite number'],
    [{ costPer1kTokens: undefined }, 'costPer1kTokens', 'cost per 1k tokens must be a number'],
    [
      { clearance: 'secret' },
      'clearance',
      'privacy clearance must be "private" (trusted, self-hosted) or "public" (third-party)',
    ],
    [{ proxyUrl: 'ftp://proxy' }, 'proxyUrl', 'proxy URL must be http(s), not ftp:'],
  ])('names the field of a bad value: %j', (change, field, message) => {
    const r = parseEndpoint({ ...good, ...change });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual({ field, message });
  });

  it('refuses a key and a proxy together, as a problem of the whole form', () => {
    const r = parseEndpoint({ ...good, apiKey: 'sk-1', proxyUrl: 'https://proxy.example.com' });
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          field: '',
          message: 'API key and proxy URL: give one or the other (a proxy adds the credentials itself)',
        },
      ],
    });
  });

  it('refuses unknown fields by name', () => {
    const r = parseEndpoint({ ...good, temperature: 2 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toBe('unknown endpoint field "temperature"');
  });
});

describe('the development endpoint', () => {
  it("uses the dev server's own responder id, so it is flagged development", () => {
    expect(DEV_RESPONDER_ID).toBe(DEV_MODEL_ID);
    const config = toEndpointConfig(devEndpointSettings('http://127.0.0.1:8790'), {
      redactPii: true,
      defaultLabel: 'private',
    });
    expect(config).toMatchObject({
      development: true,
      costPer1kTokens: 0,
      clearance: 'private',
      redactPii: true,
    });
  });

  it('flags no other endpoint development, and sends requests to the proxy when one is given', () => {
    const r = parseEndpoint({ ...good, proxyUrl: 'https://proxy.example.com/v1-proxy' });
    if (!r.ok) throw new Error('expected a valid endpoint');
    const config = toEndpointConfig(r.value, { redactPii: false, defaultLabel: 'public' });
    expect(config).toMatchObject({
      development: false,
      baseUrl: 'https://proxy.example.com/v1-proxy',
      redactPii: false,
    });
    expect(config.apiKey).toBeUndefined();
  });
});

describe('budget and privacy defaults', () => {
  it('takes null as "no cap" and names a bad cap', () => {
    expect(parseWith(BudgetSettingsSchema, { perDay: null, perSession: 2 })).toEqual({
      ok: true,
      value: { perDay: null, perSession: 2 },
    });
    expect(parseWith(BudgetSettingsSchema, { perDay: -1, perSession: Number.NaN })).toEqual({
      ok: false,
      problems: [
        { field: 'perDay', message: 'daily cost cap must be ≥ 0' },
        { field: 'perSession', message: 'session cost cap must be a number' },
      ],
    });
  });

  it('refuses a default label of local (it would make every request local-only by accident)', () => {
    const r = parseWith(PrivacyDefaultsSchema, { redactPii: true, defaultLabel: 'local' });
    expect(r).toEqual({
      ok: false,
      problems: [{ field: 'defaultLabel', message: 'default label must be "private" or "public"' }],
    });
  });
});
