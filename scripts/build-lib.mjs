// `npm run build:lib` (and `npm pack`, through prepack): the installable package's files.
// - dist-lib/runtime/: what `sentio assets` copies for a consumer to serve — sentio.js (the classic embed
//   script), sentio.mjs and their worker scripts (the embed build, `vite build --mode embed`);
// - dist-lib/esm/: the ES module build of src/index.ts that `import … from 'sentio'` gets (`--mode lib`),
//   its dependencies left to the consumer's bundler; workers, WASM and models are not in it;
// - dist-lib/types/: the declarations of src/index.ts (tsconfig.types.json).
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { log, root, run } from './lib/env.mjs';

const vite = resolve(root, 'node_modules/vite/bin/vite.js');
rmSync(resolve(root, 'dist-lib'), { recursive: true, force: true });
run(
  process.execPath,
  [vite, 'build', '--mode', 'embed', '--outDir', 'dist-lib/runtime', '--logLevel', 'warn'],
  {
    step: 'building the runtime (dist-lib/runtime)',
  },
);
if (!existsSync(resolve(root, 'src/index.ts'))) {
  log('src/index.ts does not exist yet: no ES module build or declarations');
  process.exit(0);
}
run(process.execPath, [vite, 'build', '--mode', 'lib', '--logLevel', 'warn'], {
  step: 'building the ES module (dist-lib/esm)',
});
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
log('built dist-lib/ (runtime, esm, types)');
