// Plugin signatures: Ed25519 over the canonical manifest (without its signature) and the exact entry bytes,
// checked with WebCrypto against keys the user trusts. A development key is publicly known (it signs the
// example plugins), so it verifies only when development keys are explicitly allowed, and says so loudly.
import { base64ToBytes, bytesToBase64 } from './base64';
import { canonicalJson } from '../events/canonical-json';
import { SignatureError } from './errors';
import type { PluginManifest, PluginSignature } from './manifest';

export interface TrustedKey {
  keyId: string;
  algorithm: 'Ed25519';
  /** base64 of the raw 32-byte public key. */
  publicKey: string;
  /** Who this key belongs to, shown to the user. */
  label: string;
  /** A key whose private half is public (checked into a repository): never trust it in production. */
  development?: boolean;
}

export interface VerifyOptions {
  /** Development mode: accept plugins without a signature. Every acceptance is reported through `warn`. */
  allowUnsigned?: boolean;
  /** Accept signatures by keys marked `development`. Every acceptance is reported through `warn`. */
  allowDevelopmentKeys?: boolean;
  warn?: (message: string) => void;
}

export type Verification =
  | { status: 'verified'; keyId: string; label: string; development: boolean }
  | { status: 'unsigned'; reason: 'development mode allows unsigned plugins' };

const DOMAIN = 'sentio.plugin.signature.v1\n';

/** What is signed: a domain tag, the canonical manifest (length-prefixed), then the entry's bytes. */
export function signedBytes(manifest: PluginManifest, entry: Uint8Array): Uint8Array<ArrayBuffer> {
  const { signature: _ignored, ...unsigned } = manifest;
  const enc = new TextEncoder();
  const tag = enc.encode(DOMAIN);
  const body = enc.encode(canonicalJson(unsigned));
  const out = new Uint8Array(tag.length + 4 + body.length + entry.length);
  out.set(tag, 0);
  new DataView(out.buffer).setUint32(tag.length, body.length);
  out.set(body, tag.length + 4);
  out.set(entry, tag.length + 4 + body.length);
  return out;
}

function warnDefault(message: string): void {
  console.warn(message);
}

export async function verifyPlugin(
  manifest: PluginManifest,
  entry: Uint8Array,
  trusted: readonly TrustedKey[],
  options: VerifyOptions = {},
): Promise<Verification> {
  const warn = options.warn ?? warnDefault;
  const sig = manifest.signature;
  if (!sig) {
    if (!options.allowUnsigned) {
      throw new SignatureError(
        manifest.id,
        'unsigned',
        'the manifest has no signature and unsigned plugins are not allowed',
      );
    }
    warn(
      `⚠ DEVELOPMENT MODE: running UNSIGNED plugin ${manifest.id}@${manifest.version}; anyone could have written it`,
    );
    return { status: 'unsigned', reason: 'development mode allows unsigned plugins' };
  }
  const key = trusted.find((k) => k.keyId === sig.keyId);
  if (!key) {
    throw new SignatureError(
      manifest.id,
      'unknown-key',
      `signed by "${sig.keyId}", which is not a trusted key`,
    );
  }
  if (key.algorithm !== sig.algorithm) {
    throw new SignatureError(
      manifest.id,
      'unsupported-algorithm',
      `signature algorithm ${sig.algorithm} does not match trusted key "${key.keyId}" (${key.algorithm})`,
    );
  }
  if (key.development && !options.allowDevelopmentKeys) {
    throw new SignatureError(
      manifest.id,
      'development-key',
      `signed by the development key "${key.keyId}", whose private half is public; allow development keys to run it`,
    );
  }
  let publicKey: CryptoKey;
  let signature: Uint8Array<ArrayBuffer>;
  try {
    publicKey = await crypto.subtle.importKey(
      'raw',
      base64ToBytes(key.publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    signature = base64ToBytes(sig.value);
  } catch (e) {
    throw new SignatureError(
      manifest.id,
      'malformed',
      `cannot read the key or signature: ${(e as Error).message}`,
    );
  }
  const ok = await crypto.subtle.verify(
    { name: 'Ed25519' },
    publicKey,
    signature,
    signedBytes(manifest, entry),
  );
  if (!ok) {
    throw new SignatureError(
      manifest.id,
      'bad-signature',
      `the signature by "${key.keyId}" does not match the manifest and entry (forged, or tampered with after signing)`,
    );
  }
  if (key.development) {
    warn(
      `⚠ DEVELOPMENT KEY: plugin ${manifest.id}@${manifest.version} is signed by "${key.keyId}", a publicly known key`,
    );
  }
  return { status: 'verified', keyId: key.keyId, label: key.label, development: key.development === true };
}

/** Signs a plugin (scripts and tests; the app never holds a private key). */
export async function signPlugin(
  manifest: PluginManifest,
  entry: Uint8Array,
  privateKey: CryptoKey,
  keyId: string,
): Promise<PluginManifest> {
  const value = new Uint8Array(
    await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, signedBytes(manifest, entry)),
  );
  const signature: PluginSignature = { keyId, algorithm: 'Ed25519', value: bytesToBase64(value) };
  return { ...manifest, signature };
}

/** Exports the raw public key as base64, the form TrustedKey.publicKey takes. */
export async function exportPublicKey(key: CryptoKey): Promise<string> {
  return bytesToBase64(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}
