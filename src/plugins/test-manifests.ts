// Manifests shared by the unit tests of this folder.
import type { ManifestInput } from './manifest';

export function sampleManifest(overrides: Partial<ManifestInput> = {}): ManifestInput {
  return {
    id: 'sample',
    version: '1.0.0',
    kind: 'feature',
    name: 'Sample',
    entry: 'entry.js',
    capabilities: { subscribe: ['vision.face.>'], publish: ['plugin.sample.>'] },
    ...overrides,
  };
}
