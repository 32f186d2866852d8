import { beforeAll, describe, expect, test } from 'vitest';
import { SignatureError } from './errors';
import { parseManifest, type PluginManifest } from './manifest';
import { exportPublicKey, signPlugin, verifyPlugin, type TrustedKey } from './signature';
import { sampleManifest } from './test-manifests';

const entry = new TextEncoder().encode('sentio.definePlugin({});\n');
let keys: CryptoKeyPair;
let trusted: TrustedKey;
let signed: PluginManifest;

beforeAll(async () => {
  keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  trusted = {
    keyId: 'test',
    algorithm: 'Ed25519',
    publicKey: await exportPublicKey(keys.publicKey),
    label: 'tests',
  };
  signed = await signPlugin(parseManifest(sampleManifest()), entry, keys.privateKey, 'test');
});

async function problem(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SignatureError);
    return (e as SignatureError).problem;
  }
  throw new Error('verified');
}

describe('verifyPlugin', () => {
  test('verifies what a trusted key signed, however the manifest JSON is ordered', async () => {
    const reordered = parseManifest(Object.fromEntries(Object.entries(signed).reverse()));
    expect(await verifyPlugin(reordered, entry, [trusted])).toEqual({
      status: 'verified',
      keyId: 'test',
      label: 'tests',
      development: false,
    });
  });

  test('refuses a tampered entry, a tampered manifest and a forged signature', async () => {
    const tampered = entry.slice();
    tampered[0] = tampered[0]! ^ 1;
    expect(await problem(verifyPlugin(signed, tampered, [trusted]))).toBe('bad-signature');
    const widened = {
      ...signed,
      capabilities: { ...signed.capabilities, network: ['https://evil.example'] },
    };
    expect(await problem(verifyPlugin(widened, entry, [trusted]))).toBe('bad-signature');
    const other = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const forged = await signPlugin(signed, entry, other.privateKey, 'test');
    await expect(verifyPlugin(forged, entry, [trusted])).rejects.toThrow(
      /forged, or tampered with after signing/,
    );
  });

  test('refuses unknown keys and unsigned plugins unless development mode allows them, loudly', async () => {
    expect(await problem(verifyPlugin(signed, entry, []))).toBe('unknown-key');
    const { signature: _s, ...unsigned } = signed;
    expect(await problem(verifyPlugin(unsigned, entry, [trusted]))).toBe('unsigned');
    const warnings: string[] = [];
    const r = await verifyPlugin(unsigned, entry, [trusted], {
      allowUnsigned: true,
      warn: (m) => warnings.push(m),
    });
    expect(r.status).toBe('unsigned');
    expect(warnings[0]).toMatch(/DEVELOPMENT MODE: running UNSIGNED plugin sample@1.0.0/);
  });

  test('a development key verifies only when development keys are allowed', async () => {
    const dev = { ...trusted, development: true };
    expect(await problem(verifyPlugin(signed, entry, [dev]))).toBe('development-key');
    const warnings: string[] = [];
    const r = await verifyPlugin(signed, entry, [dev], {
      allowDevelopmentKeys: true,
      warn: (m) => warnings.push(m),
    });
    expect(r).toMatchObject({ status: 'verified', development: true });
    expect(warnings[0]).toMatch(/DEVELOPMENT KEY/);
  });

  test('a malformed key is reported as such', async () => {
    expect(await problem(verifyPlugin(signed, entry, [{ ...trusted, publicKey: 'AAAA' }]))).toBe('malformed');
  });
});
