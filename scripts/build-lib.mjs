// `npm run build:lib` (and `npm pack`, through prepack): the installable package's files.
// - dist-lib/runtime/: the embed build (`vite build --mode embed`): sentio.mjs (the ES module that
//   `import … from 'sentio'` gets), sentio.js (the classic script, window.Sentio) and assets/ (their worker
//   scripts). One build for both, so the worker files a bundled copy names are the ones `sentio assets`
//   copies for the consumer to serve at `base`; WASM runtimes and models are never in the JS.
// - dist-lib/types/: the declarations of src/index.ts (tsconfig.types.json), once it exists.
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { log, root, run } from './lib/env.mjs';

rmSync(resolve(root, 'dist-lib'), { recursive: true, force: true });
run(
  process.execPath,
  [
    resolve(root, 'node_modules/vite/bin/vite.js'),
    'build',
    '--mode',
    'embed',
    '--outDir',
    'dist-lib/runtime',
    '--logLevel',
    'warn',
  ],
  { step: 'building the runtime (dist-lib/runtime)' },
);
if (existsSync(resolve(root, 'tsconfig.types.json'))) {
  run(
    process.execPath,
    [
      resolve(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.types.json',
      '--outDir',
      'dist-lib/types',
    ],
    { step: 'emitting declarations (dist-lib/types)' },
  );
} else {
  log('no tsconfig.types.json yet: the package has no declarations');
}
log('built dist-lib/');
