// Fills public/models/ from the npm packages named in models/manifest.json (each tarball's integrity and
// every file's sha256 checked), and public/runtime/ with the WASM runtimes the backends load.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, log, root } from './lib/env.mjs';
import { prepareModels } from './lib/models.mjs';
import { prepareRuntimes, RUNTIMES } from './lib/runtimes.mjs';

const manifest = JSON.parse(readFileSync(resolve(root, 'models/manifest.json'), 'utf8'));
try {
  const { copied, ready, bytes } = await prepareModels(manifest, { outDir: resolve(root, 'public/models') });
  log(
    `models: ${manifest.models.length} models, ${ready} files ready (${(bytes / 1e6).toFixed(1)} MB), ${copied} copied`,
  );
  const runtimes = prepareRuntimes(RUNTIMES, { root, outDir: resolve(root, 'public/runtime') });
  log(`runtimes: ${RUNTIMES.length} WASM runtimes, ${runtimes.ready} files ready, ${runtimes.copied} copied`);
} catch (err) {
  fail(err.message);
}
