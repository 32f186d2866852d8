// `npm run proto`: regenerates src/events/gen from src/events/proto with protoc (Debian: protobuf-compiler)
// and protoc-gen-es (npm). The generated code is committed, so only changing the .proto needs this.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fail, log, root } from './lib/env.mjs';

const protoc = spawnSync('protoc', ['--version'], { encoding: 'utf8' });
if (protoc.error)
  fail(
    'protoc is not installed. Debian/Ubuntu: sudo apt-get install protobuf-compiler; macOS: brew install protobuf',
  );
const out = resolve(root, 'src/events/gen');
mkdirSync(out, { recursive: true });
const r = spawnSync(
  'protoc',
  [
    `--plugin=protoc-gen-es=${resolve(root, 'node_modules/.bin/protoc-gen-es')}`,
    `--es_out=${out}`,
    '--es_opt=target=ts,import_extension=none',
    `--proto_path=${resolve(root, 'src/events/proto')}`,
    'sentio/v1/event.proto',
  ],
  { stdio: 'inherit' },
);
if (r.status !== 0) fail('protoc failed');
log(`regenerated src/events/gen with ${protoc.stdout.trim()}`);
