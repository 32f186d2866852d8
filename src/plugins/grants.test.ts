import { expect, test } from 'vitest';
import { CapabilityError } from './errors';
import { resolveGrants } from './grants';
import { parseManifest } from './manifest';
import { sampleManifest } from './test-manifests';

const manifest = parseManifest(
  sampleManifest({
    capabilities: {
      subscribe: ['vision.face.>', 'audio.level'],
      publish: ['plugin.sample.>'],
      microphone: true,
      network: ['https://api.example.com'],
      actuators: ['toast'],
      storageBytes: 1024,
    },
  }),
);

test('grants what the manifest asks for by default', () => {
  expect(resolveGrants(manifest)).toEqual({
    subscribe: ['vision.face.>', 'audio.level'],
    publish: ['plugin.sample.>'],
    network: ['https://api.example.com'],
    actuators: ['toast'],
    storageBytes: 1024,
  });
});

test('grants less when asked, never more', () => {
  expect(resolveGrants(manifest, { network: [], subscribe: ['vision.face.expression'] }).network).toEqual([]);
  const refused = (g: Parameters<typeof resolveGrants>[1]) => {
    try {
      resolveGrants(manifest, g);
    } catch (e) {
      expect(e).toBeInstanceOf(CapabilityError);
      return (e as CapabilityError).capability;
    }
    throw new Error('granted');
  };
  expect(refused({ subscribe: ['vision.>'] })).toBe('subscribe');
  expect(refused({ publish: ['agent.action'] })).toBe('publish');
  expect(refused({ network: ['https://evil.example'] })).toBe('network');
  expect(refused({ actuators: ['speech'] })).toBe('actuators');
  expect(refused({ storageBytes: 4096 })).toBe('storageBytes');
});

test('raw sensor topics need the sensor capability', () => {
  const noCamera = parseManifest(
    sampleManifest({ capabilities: { subscribe: ['camera.front.>'], publish: [] } }),
  );
  expect(() => resolveGrants(noCamera)).toThrow(
    /reaches camera topics \(camera\.>\) but the manifest does not ask for camera/,
  );
  const wide = parseManifest(sampleManifest({ capabilities: { subscribe: ['>'], publish: [] } }));
  expect(() => resolveGrants(wide)).toThrow(CapabilityError);
  const withCamera = parseManifest(
    sampleManifest({ capabilities: { subscribe: ['camera.front.>'], publish: [], camera: true } }),
  );
  expect(resolveGrants(withCamera).subscribe).toEqual(['camera.front.>']);
});
