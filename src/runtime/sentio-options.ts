// createSentio's options checked up front: a bad one is a SentioOptionsError naming it, before anything
// starts.
import * as v from 'valibot';
import { firstProblem } from '../platform/schema-issue';
import { DEFAULT_PRIVACY, PrivacyDefaultsSchema, type PrivacyDefaults } from '../privacy/defaults';
import { SentioOptionsError } from './errors';
import { checkGenerationOptions } from './local-generation';
import type { SentioOptions, StartAgentsOptions } from './sentio';

export function checkOptions(o: unknown): SentioOptions {
  if (o === undefined) return {};
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new SentioOptionsError('(options)', `must be an object, got ${o === null ? 'null' : typeof o}`);
  const x = o as Record<string, unknown>;
  const known = [
    'base',
    'name',
    'database',
    'devEndpointUrl',
    'tracer',
    'agents',
    'hub',
    'connectTimeoutMs',
    'privacy',
    'plugins',
    'generation',
  ];
  for (const k of Object.keys(x))
    if (!known.includes(k)) throw new SentioOptionsError(k, `is not an option (known: ${known.join(', ')})`);
  if (x.name !== undefined && (typeof x.name !== 'string' || !/^[\w.-]{1,64}$/.test(x.name)))
    throw new SentioOptionsError('name', 'must be 1–64 letters, digits, ".", "_" or "-"');
  if (x.database !== undefined && (typeof x.database !== 'string' || !x.database))
    throw new SentioOptionsError('database', 'must be a non-empty string');
  if (x.base !== undefined) {
    if (typeof x.base !== 'string' && !(x.base instanceof URL))
      throw new SentioOptionsError('base', 'must be a URL or a string');
    try {
      new URL(String(x.base), location.href);
    } catch {
      throw new SentioOptionsError('base', `is not a URL: ${String(x.base)}`);
    }
  }
  if (x.devEndpointUrl !== undefined && x.devEndpointUrl !== null && typeof x.devEndpointUrl !== 'string')
    throw new SentioOptionsError('devEndpointUrl', 'must be a URL string or null');
  const t = x.connectTimeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !(t > 0)))
    throw new SentioOptionsError('connectTimeoutMs', 'must be a positive number of milliseconds');
  if (x.agents !== undefined) checkAgents(x.agents, 'agents');
  if (x.privacy !== undefined) privacyDefaultsOf(x.privacy);
  if (x.plugins !== undefined) checkPlugins(x.plugins);
  if (x.generation !== undefined) checkGenerationOptions(x.generation);
  return x as SentioOptions;
}

/** DEFAULT_PRIVACY with `given` over it; a SentioOptionsError names the field that is wrong. */
export function privacyDefaultsOf(given: unknown): PrivacyDefaults {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw new SentioOptionsError('privacy', 'must be an object ({ defaultLabel?, redactPii? })');
  const r = v.safeParse(PrivacyDefaultsSchema, { ...DEFAULT_PRIVACY, ...given });
  if (!r.success) {
    const { field, reason } = firstProblem(r.issues, '');
    throw new SentioOptionsError(field ? `privacy.${field}` : 'privacy', reason);
  }
  return r.output as PrivacyDefaults;
}

function checkPlugins(p: unknown): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw new SentioOptionsError('plugins', 'must be an object ({ trust?, container? })');
  const { trust, container } = p as { trust?: unknown; container?: unknown };
  if (trust !== undefined && !Array.isArray(trust))
    throw new SentioOptionsError('plugins.trust', 'must be an array of trusted keys');
  if (container !== undefined && !(container instanceof HTMLElement))
    throw new SentioOptionsError('plugins.container', 'must be an HTML element');
}

export function checkAgents(a: unknown, where: string): asserts a is StartAgentsOptions {
  const w = (a as { worker?: unknown } | null)?.worker;
  if (typeof w !== 'string' && !(w instanceof URL) && typeof w !== 'function')
    throw new SentioOptionsError(
      `${where}.worker`,
      'must be the URL of an agent worker module or a function spawning it',
    );
  const bucket = (a as { storageBucket?: unknown }).storageBucket;
  if (bucket !== undefined && (typeof bucket !== 'string' || bucket === ''))
    throw new SentioOptionsError(`${where}.storageBucket`, 'must be the name of a Storage Bucket');
}
