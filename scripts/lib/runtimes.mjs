// Copies the WASM runtimes the inference backends load at run time into the served folder, so that no
// code path ever reaches a CDN. Their integrity is npm's (package-lock); the versions are pinned there.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where each runtime comes from (inside node_modules) and which of its files are needed. */
export const RUNTIMES = [
  // onnxruntime-web/wasm (BlazeFace, Silero) and onnxruntime-web/webgpu (the WebGPU path).
  {
    id: 'ort',
    from: 'onnxruntime-web/dist',
    match: /^ort-wasm-simd-threaded(\.jsep|\.asyncify)?\.(mjs|wasm)$/,
  },
  // transformers.js bundles against its own nested onnxruntime-web build, which differs from ours.
  {
    id: 'transformers-ort',
    from: '@huggingface/transformers/node_modules/onnxruntime-web/dist',
    match: /^ort-wasm-simd-threaded.*\.(mjs|wasm)$/,
  },
  { id: 'mediapipe', from: '@mediapipe/tasks-vision/wasm', match: /^vision_wasm_internal\.(js|wasm)$/ },
];

export class RuntimeFileError extends Error {
  constructor(runtime, message) {
    super(`runtime "${runtime}": ${message}`);
    this.name = 'RuntimeFileError';
  }
}

/** Copies every runtime's matching files to `outDir/<id>/`; files of the same size are left alone. */
export function prepareRuntimes(runtimes, { nodeModules, outDir }) {
  let copied = 0;
  let ready = 0;
  for (const runtime of runtimes) {
    const src = join(nodeModules, runtime.from);
    if (!existsSync(src))
      throw new RuntimeFileError(runtime.id, `${runtime.from} is not installed; run npm ci`);
    const files = readdirSync(src).filter((f) => runtime.match.test(f));
    if (files.length === 0)
      throw new RuntimeFileError(runtime.id, `no file in ${runtime.from} matches ${runtime.match}`);
    const dst = join(outDir, runtime.id);
    mkdirSync(dst, { recursive: true });
    for (const f of files) {
      const from = join(src, f);
      const to = join(dst, f);
      ready++;
      if (
        existsSync(to) &&
        statSync(to).size === statSync(from).size &&
        statSync(to).mtimeMs >= statSync(from).mtimeMs
      )
        continue;
      copyFileSync(from, to);
      copied++;
    }
  }
  return { copied, ready };
}
