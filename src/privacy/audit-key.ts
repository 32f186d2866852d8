// The audit chain's key: an HMAC-SHA-256 CryptoKey created non-extractable, kept in IndexedDB as the
// CryptoKey object itself (structured clone keeps it usable and non-extractable). Code can ask WebCrypto to
// sign with it but never read its bytes, so a chain cannot be recomputed by anyone who can change the stored
// rows without running code in this origin. See audit-log.ts for what that does and does not cover.
import type { SentioDb } from '../storage/db';

const KEY_ROW = 'audit.key';

/** The stored key, creating it on first use; two writers racing to create it end up with the same one. */
export async function auditKey(db: SentioDb, create: boolean): Promise<CryptoKey | null> {
  const stored = await db.settings.get(KEY_ROW);
  if (stored?.value instanceof CryptoKey) return stored.value;
  if (!create) return null;
  const fresh = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return db.transaction('rw', db.settings, async () => {
    const again = await db.settings.get(KEY_ROW);
    if (again?.value instanceof CryptoKey) return again.value;
    await db.settings.put({ key: KEY_ROW, value: fresh });
    return fresh;
  });
}

export async function hmacHex(key: CryptoKey, text: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}
