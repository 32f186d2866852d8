// `node scripts/sign-plugins.mjs [dir…]`: signs the example plugins (src/plugins/examples/*/) with the
// DEVELOPMENT key in scripts/plugin-dev-key.json, writing the signature into each manifest.json. The key is
// publicly known: this proves only that the files were not changed since they were signed here. Run it after
// editing an example (and after prettier, since the signature covers the entry's exact bytes).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'prettier';
import { runnerImport } from 'vite';

const root = resolve(import.meta.dirname, '..');
const key = JSON.parse(readFileSync(join(root, 'scripts/plugin-dev-key.json'), 'utf8'));
console.warn(`signing with ${key.keyId}: a DEVELOPMENT key whose private half is public`);

const { module: sig } = await runnerImport(join(root, 'src/plugins/signature.ts'));
const { module: man } = await runnerImport(join(root, 'src/plugins/manifest.ts'));
const privateKey = await crypto.subtle.importKey(
  'pkcs8',
  Buffer.from(key.privateKeyPkcs8, 'base64'),
  { name: 'Ed25519' },
  false,
  ['sign'],
);

const base = join(root, 'src/plugins/examples');
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2).map((d) => resolve(d))
  : readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(base, d.name));

for (const dir of dirs) {
  const file = join(dir, 'manifest.json');
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  delete raw.signature;
  const entry = new Uint8Array(readFileSync(join(dir, raw.entry)));
  const signed = await sig.signPlugin(man.parseManifest(raw), entry, privateKey, key.keyId);
  // Keep the manifest as written (defaults stay implicit); only the signature is added.
  const out = { ...raw, signature: signed.signature };
  writeFileSync(file, await format(JSON.stringify(out), { parser: 'json', filepath: file }));
  console.log(`signed ${raw.id}@${raw.version}`);
}
