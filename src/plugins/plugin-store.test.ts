import 'fake-indexeddb/auto';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { openDatabase, type SentioDb } from '../storage/db';
import { PluginVersionError, SignatureError } from './errors';
import { parseManifest } from './manifest';
import { createPluginStore } from './plugin-store';
import { exportPublicKey, signPlugin, type TrustedKey } from './signature';
import { sampleManifest } from './test-manifests';

let keys: CryptoKeyPair;
let trust: TrustedKey[];
let db: SentioDb;

beforeAll(async () => {
  keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  trust = [
    { keyId: 'k', algorithm: 'Ed25519', publicKey: await exportPublicKey(keys.publicKey), label: 't' },
  ];
});

afterEach(async () => {
  db?.close();
});

async function pkg(version: string, code = `// v${version}\n`) {
  const entry = new TextEncoder().encode(code);
  const manifest = await signPlugin(parseManifest(sampleManifest({ version })), entry, keys.privateKey, 'k');
  return { manifest, entry };
}

test('upgrade keeps the old version; rollback makes it active again', async () => {
  db = openDatabase(`store-${Math.random()}`);
  const store = createPluginStore(db, { trust });
  await store.install(await pkg('1.0.0'));
  await store.install(await pkg('1.1.0'));
  expect(await store.versions('sample')).toMatchObject([
    { version: '1.0.0', active: false },
    { version: '1.1.0', active: true },
  ]);
  expect(new TextDecoder().decode((await store.active('sample'))!.entry)).toBe('// v1.1.0\n');
  expect((await store.rollback('sample')).version).toBe('1.0.0');
  expect(new TextDecoder().decode((await store.active('sample'))!.entry)).toBe('// v1.0.0\n');
  await expect(store.rollback('sample')).rejects.toThrow(/no earlier version/);
  await expect(store.rollback('nothing')).rejects.toThrow(/not installed/);
});

test('refuses downgrades, duplicates and anything that does not verify, leaving the store as it was', async () => {
  db = openDatabase(`store-${Math.random()}`);
  const store = createPluginStore(db, { trust });
  await store.install(await pkg('2.0.0'));
  await expect(store.install(await pkg('1.9.9'))).rejects.toThrow(PluginVersionError);
  await expect(store.install(await pkg('2.0.0'))).rejects.toThrow(/already installed/);
  const tampered = await pkg('2.1.0');
  tampered.entry[0] = 0x41;
  await expect(store.install(tampered)).rejects.toThrow(SignatureError);
  expect(await store.versions('sample')).toMatchObject([{ version: '2.0.0', active: true }]);
  await store.uninstall('sample');
  expect(await store.active('sample')).toBeUndefined();
});
