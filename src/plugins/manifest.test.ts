import { describe, expect, test } from 'vitest';
import { ManifestError } from './errors';
import { parseManifest } from './manifest';
import { sampleManifest } from './test-manifests';

function problem(x: unknown): { field: string; reason: string } {
  try {
    parseManifest(x);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    const m = e as ManifestError;
    return { field: m.field, reason: m.reason };
  }
  throw new Error('the manifest was accepted');
}

describe('parseManifest', () => {
  test('accepts a minimal manifest and fills in capability defaults', () => {
    const m = parseManifest(sampleManifest());
    expect(m.capabilities).toEqual({
      subscribe: ['vision.face.>'],
      publish: ['plugin.sample.>'],
      camera: false,
      microphone: false,
      network: [],
      storageBytes: 0,
      actuators: [],
      messagesPerSecond: 100,
    });
  });

  test.each([
    [5, '(manifest)', /must be an object/],
    [{ ...sampleManifest(), extra: 1 }, 'extra', /unknown manifest field "extra"/],
    [sampleManifest({ id: 'Bad_Id' }), 'id', /\[a-z0-9-\]/],
    [sampleManifest({ version: '1.0' }), 'version', /semantic version/],
    [sampleManifest({ kind: 'virus' as 'tool' }), 'kind', /feature, model, tool, actuator/],
    [sampleManifest({ entry: '../x.js' }), 'entry', /plain \.js file/],
    [
      sampleManifest({ capabilities: { subscribe: ['a..b'], publish: [] } }),
      'capabilities.subscribe.0',
      /token 2 is empty/,
    ],
    [
      sampleManifest({ capabilities: { subscribe: [], publish: ['a.>.b'] } }),
      'capabilities.publish.0',
      /only be the last/,
    ],
    [
      sampleManifest({ capabilities: { subscribe: [], publish: [], network: ['https://api.x.com/v1'] } }),
      'capabilities.network.0',
      /bare origin such as "https:\/\/api.x.com"/,
    ],
    [
      sampleManifest({ capabilities: { subscribe: [], publish: [], network: ['file:///etc'] } }),
      'capabilities.network.0',
      /http, https, ws or wss/,
    ],
    [
      { ...sampleManifest(), capabilities: { subscribe: [], publish: [], gps: true } },
      'capabilities.gps',
      /unknown capability "gps"/,
    ],
    [
      sampleManifest({ capabilities: { subscribe: [], publish: [], storageBytes: -1 } }),
      'capabilities.storageBytes',
      /≥ 0/,
    ],
    [
      sampleManifest({ capabilities: { subscribe: [], publish: [], actuators: ['shell' as 'toast'] } }),
      'capabilities.actuators.0',
      /toast, speech/,
    ],
    [
      sampleManifest({ signature: { keyId: 'k', algorithm: 'RSA' as 'Ed25519', value: 'AA==' } }),
      'signature.algorithm',
      /Ed25519/,
    ],
    [
      sampleManifest({ signature: { keyId: 'k', algorithm: 'Ed25519', value: '!!' } }),
      'signature.value',
      /base64/,
    ],
  ])('refuses %j naming the field', (input, field, reason) => {
    const p = problem(input);
    expect(p.field).toBe(field);
    expect(p.reason).toMatch(reason);
  });
});
