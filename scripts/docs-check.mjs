// `npm run docs:check` (part of `npm test`, after the API report check): docs/api must be what `npm run docs`
// generates from the TSDoc now, so the committed reference never drifts from the code. It regenerates the
// markdown from the doc model that `api:check` just wrote (dist/api-model/) into a temporary folder, formats
// it as `npm run docs` does, and compares file by file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as prettier from 'prettier';

const root = resolve(import.meta.dirname, '..');
const committed = join(root, 'docs/api');
const model = join(root, 'dist/api-model');
const out = mkdtempSync(join(tmpdir(), 'sentio-api-docs-'));
// The devDependency's own bin script, found the way Node finds the package (not through PATH).
const documenter = join(
  dirname(createRequire(import.meta.url).resolve('@microsoft/api-documenter/package.json')),
  'bin/api-documenter',
);

try {
  execFileSync(process.execPath, [documenter, 'markdown', '--input-folder', model, '--output-folder', out], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const options = (await prettier.resolveConfig(join(committed, 'index.md'))) ?? {};
  const want = readdirSync(out).sort();
  const have = readdirSync(committed).sort();
  const problems = [
    ...want.filter((f) => !have.includes(f)).map((f) => `missing: docs/api/${f}`),
    ...have.filter((f) => !want.includes(f)).map((f) => `no longer generated: docs/api/${f}`),
  ];
  for (const f of want.filter((f) => have.includes(f))) {
    const text = await prettier.format(readFileSync(join(out, f), 'utf8'), {
      ...options,
      parser: 'markdown',
    });
    if (text !== readFileSync(join(committed, f), 'utf8')) problems.push(`out of date: docs/api/${f}`);
  }
  if (problems.length > 0) {
    console.error(
      `docs/api does not match the TSDoc (${problems.length} files; run \`npm run docs\` and commit docs/api):\n  ` +
        problems.slice(0, 10).join('\n  '),
    );
    process.exit(1);
  }
  console.log(`docs/api is current (${want.length} files)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
