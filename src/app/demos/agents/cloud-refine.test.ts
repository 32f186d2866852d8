import { describe, expect, it } from 'vitest';
import { noConsentMessage, readNoConsent } from '../../../index';
import { cloneable } from '../../../runtime/agents';
import { askCloud, readRefinement } from './cloud-refine';
import { readPublishRequest } from './labelled-publish';

describe('reading what the router answered', () => {
  it('takes the text of a cloud answer in any of the shapes an infer function gives', () => {
    // Where the text was made goes with it: a local model's answer is not the cloud's.
    expect(readRefinement({ decision: { route: 'cloud' }, output: { text: ' Hi. ' } })).toEqual({
      status: 'refined',
      text: 'Hi.',
      route: 'cloud',
    });
    expect(readRefinement({ decision: { route: 'local' }, output: { text: 'Once' } })).toEqual({
      status: 'refined',
      text: 'Once',
      route: 'local',
    });
    expect(readRefinement({ output: 'plain' })).toEqual({ status: 'refined', text: 'plain' });
    expect(readRefinement('bare string')).toEqual({ status: 'refined', text: 'bare string' });
  });

  it('says why an answer stayed local: the router decision, a deferral, an empty or shapeless answer', () => {
    expect(
      readRefinement({
        decision: { route: 'drop', reason: 'no consent for "cloud.chat" on endpoint "dev"' },
      }),
    ).toEqual({ status: 'kept-local', reason: 'no consent for "cloud.chat" on endpoint "dev"' });
    expect(readRefinement({ decision: { route: 'defer', reason: 'offline' } })).toEqual({
      status: 'kept-local',
      reason: 'queued for when the endpoint is reachable: offline',
    });
    expect(readRefinement({ decision: { route: 'drop' } })).toEqual({
      status: 'kept-local',
      reason: 'the router chose drop',
    });
    expect(readRefinement({ output: { text: '   ' } })).toEqual({
      status: 'kept-local',
      reason: 'the endpoint answered nothing',
    });
    expect(readRefinement(null)).toEqual({ status: 'kept-local', reason: 'the answer carried no text' });
  });
});

describe('the consent a kept-local answer needs', () => {
  it("carries the router's no-consent key, and reads it back from a declassification refused on the main thread", async () => {
    expect(
      readRefinement({
        decision: {
          route: 'local',
          reason: 'no consent to send chat to the cloud; answering locally',
          consentNeeded: { capability: 'cloud.chat', endpoint: 'dev' },
        },
      }),
    ).toEqual({
      status: 'kept-local',
      reason: 'no consent to send chat to the cloud; answering locally',
      needs: { capability: 'cloud.chat', endpoint: 'dev' },
    });
    const refused = new Error(noConsentMessage({ capability: 'cloud.expression', endpoint: 'dev' }));
    const r = await askCloud(
      { agentId: 'a', infer: () => Promise.reject(refused) },
      { system: 's', user: 'u', privacy: 'local', declassify: 'expression.share' },
    );
    expect(r).toMatchObject({
      status: 'kept-local',
      needs: { capability: 'cloud.expression', endpoint: 'dev' },
    });
    // Any other failure offers no grant.
    const other = await askCloud(
      { agentId: 'a', infer: () => Promise.reject(new Error('offline')) },
      { system: 's', user: 'u', privacy: 'private' },
    );
    expect(other).toEqual({ status: 'kept-local', reason: 'offline' });
    expect(readNoConsent('consent "x" on "y"')).toBeNull();
  });
});

describe('a hybrid answer', () => {
  const hybrid = (refined: Promise<unknown>) => ({
    decision: {
      route: 'hybrid',
      reason: 'local confidence 0.41 is middling: local draft now, cloud refinement after',
    },
    output: { text: 'Once upon a time', model: 'stories260K' },
    confidence: 0.41,
    refined,
  });
  const ask = { system: 's', user: 'u', privacy: 'private' } as const;

  it("is the cloud's refinement, replacing the local draft, whether the promise is here or crossed to a worker", async () => {
    const merged = { output: { text: 'A dog ran home.', model: 'sentio-dev-echo' }, confidence: 0.9 };
    const expected = {
      status: 'refined',
      text: 'A dog ran home.',
      route: 'hybrid',
      reason: 'local confidence 0.41 is middling: local draft now, cloud refinement after',
      draft: 'Once upon a time',
    };
    // In the router's thread (an agent run beside it).
    expect(await askCloud({ agentId: 'a', infer: async () => hybrid(Promise.resolve(merged)) }, ask)).toEqual(
      expected,
    );
    // Through the agent host: the promise is settled before the answer crosses to the worker.
    const crossed = structuredClone(await cloneable(hybrid(Promise.resolve(merged))));
    expect(await askCloud({ agentId: 'a', infer: async () => crossed }, ask)).toEqual(expected);
  });

  it('keeps the local draft, saying so, when the cloud refinement failed', async () => {
    const r = await askCloud({ agentId: 'a', infer: async () => hybrid(Promise.resolve(null)) }, ask);
    expect(r).toMatchObject({ status: 'refined', text: 'Once upon a time', route: 'local' });
    expect((r as { reason: string }).reason).toMatch(/the local draft stands$/);
    const rejected = structuredClone(await cloneable(hybrid(Promise.reject(new Error('down')))));
    expect(rejected).toMatchObject({ refined: null });
  });
});

describe('a declassification refused', () => {
  it('asks again with the label kept, so a local text model answers on the device; without one the refusal stands', async () => {
    const refused = new Error(noConsentMessage({ capability: 'cloud.transcript', endpoint: 'dev' }));
    const seen: unknown[] = [];
    const infer = async (_t: string, _i: unknown, o?: Record<string, unknown>) => {
      seen.push(o?.declassify ?? null);
      if (o?.declassify) throw refused;
      return {
        decision: { route: 'local', reason: 'input is labelled local' },
        output: { text: 'A summary.' },
      };
    };
    const ask = { system: 's', user: 'u', privacy: 'local', declassify: 'transcript.share' } as const;
    expect(await askCloud({ agentId: 'a', infer }, ask)).toEqual({
      status: 'refined',
      text: 'A summary.',
      route: 'local',
      reason: 'input is labelled local',
    });
    expect(seen).toEqual(['transcript.share', null]);
    const none = async (_t: string, _i: unknown, o?: Record<string, unknown>) => {
      if (o?.declassify) throw refused;
      return {
        decision: { route: 'drop', reason: 'input is labelled local and no local model does this task' },
      };
    };
    expect(await askCloud({ agentId: 'a', infer: none }, ask)).toMatchObject({
      status: 'kept-local',
      needs: { capability: 'cloud.transcript', endpoint: 'dev' },
    });
  });
});

describe('labelled publish requests', () => {
  it('accepts a topic, a payload and a label, and names what is wrong otherwise', () => {
    expect(readPublishRequest({ topic: 'demo.x', payload: 1, privacy: 'local' })).toEqual({
      topic: 'demo.x',
      payload: 1,
      privacy: 'local',
    });
    expect(() => readPublishRequest(null)).toThrow('publish action: payload must be an object');
    expect(() => readPublishRequest({ topic: 'a..b', privacy: 'local' })).toThrow(
      'publish action: topic "a..b" is not a topic',
    );
    expect(() => readPublishRequest({ topic: 'demo.x', privacy: 'secret' })).toThrow(
      'publish action: privacy must be one of local, private, public (got "secret")',
    );
  });
});
