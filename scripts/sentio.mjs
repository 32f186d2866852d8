#!/usr/bin/env node
// The `sentio` command of the npm package (package.json "bin"). One command today: `sentio assets <dir>`.
import { resolve } from 'node:path';
import { copyAssets, formatListing, parseArgs, USAGE, UsageError } from './lib/assets.mjs';

const packageRoot = resolve(import.meta.dirname, '..');

async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`sentio: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  try {
    const files = await copyAssets({ packageRoot, outDir: args.dir });
    console.log(`sentio: copied into ${resolve(args.dir)}:\n${formatListing(files)}`);
    return 0;
  } catch (err) {
    console.error(`sentio: ${err.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
