import { expect, test } from 'vitest';
import { resolveGrants } from '../grants';
import { parseManifest } from '../manifest';
import { verifyPlugin } from '../signature';
import { DEV_TRUSTED_KEY } from './dev-key';
import { EXAMPLE_NAMES, examplePlugin } from './index';

test.each(EXAMPLE_NAMES)(
  'example %s is signed by the development key and its grants resolve',
  async (name) => {
    const pkg = examplePlugin(name);
    const manifest = parseManifest(pkg.manifest);
    expect(manifest.id).toBe(name);
    // Refused without the development switch: the key is public.
    await expect(verifyPlugin(manifest, pkg.entry, [DEV_TRUSTED_KEY])).rejects.toThrow(/development key/);
    const v = await verifyPlugin(manifest, pkg.entry, [DEV_TRUSTED_KEY], {
      allowDevelopmentKeys: true,
      warn: () => {},
    });
    expect(v).toMatchObject({ status: 'verified', development: true });
    expect(() => resolveGrants(manifest)).not.toThrow();
  },
);
