// Copies the WASM runtimes the inference backends load at run time into the served folder, so that no
// code path ever reaches a CDN. Their integrity is npm's (package-lock); the versions are pinned there.
// Packages are found as Node finds them (node_modules folders from `root` upward), so the same list works
// in this repository and in a project that installed Sentio (`sentio assets`), hoisted or not.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where each runtime comes from (inside node_modules) and which of its files are needed. */
export const RUNTIMES = [
  // onnxruntime-web/wasm (BlazeFace, Silero: the plain build) and onnxruntime-web/webgpu (the WebGPU path,
  // which in 1.30 is the asyncify build). The JSEP and JSPI builds are never loaded.
  {
    id: 'ort',
    package: 'onnxruntime-web',
    dir: 'dist',
    match: /^ort-wasm-simd-threaded(\.asyncify)?\.(mjs|wasm)$/,
  },
  // transformers.js bundles against its own nested onnxruntime-web build, which differs from ours; its
  // wasmPaths name the asyncify build for both its WASM and WebGPU devices (backends/transformers.ts).
  {
    id: 'transformers-ort',
    package: 'onnxruntime-web',
    within: '@huggingface/transformers',
    dir: 'dist',
    match: /^ort-wasm-simd-threaded\.asyncify\.(mjs|wasm)$/,
  },
  {
    id: 'mediapipe',
    package: '@mediapipe/tasks-vision',
    dir: 'wasm',
    match: /^vision_wasm_internal\.(js|wasm)$/,
  },
];

export class RuntimeFileError extends Error {
  constructor(runtime, message) {
    super(`runtime "${runtime}": ${message}`);
    this.name = 'RuntimeFileError';
  }
}

/** The folder of package `name` as Node would resolve it from `fromDir`, or null. */
export function findPackage(name, fromDir) {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Where a runtime's files are: its package (inside `within`'s own tree when given), then `dir`. */
export function runtimeSource(runtime, root) {
  const label = runtime.within ? `${runtime.within} → ${runtime.package}` : runtime.package;
  const from = runtime.within ? findPackage(runtime.within, root) : root;
  const pkg = from && findPackage(runtime.package, from);
  if (!pkg) throw new RuntimeFileError(runtime.id, `${label} is not installed; run npm ci`);
  return { src: join(pkg, runtime.dir), label: `${label}/${runtime.dir}` };
}

/**
 * Copies every runtime's matching files to `outDir/<id>/`; files of the same size are left alone, and any
 * other file there is removed (the folder is this function's: a build must not ship a runtime no backend
 * loads). Returns { copied, ready, removed, files: [{ runtime, file, size }] }.
 */
export function prepareRuntimes(runtimes, { root, outDir }) {
  let copied = 0;
  let ready = 0;
  let removed = 0;
  const listed = [];
  for (const runtime of runtimes) {
    const { src, label } = runtimeSource(runtime, root);
    if (!existsSync(src)) throw new RuntimeFileError(runtime.id, `${label} is missing; run npm ci`);
    const files = readdirSync(src).filter((f) => runtime.match.test(f));
    if (files.length === 0)
      throw new RuntimeFileError(runtime.id, `no file in ${label} matches ${runtime.match}`);
    const dst = join(outDir, runtime.id);
    mkdirSync(dst, { recursive: true });
    for (const old of readdirSync(dst)) {
      if (files.includes(old)) continue;
      rmSync(join(dst, old), { recursive: true, force: true });
      removed++;
    }
    for (const f of files) {
      const from = join(src, f);
      const to = join(dst, f);
      ready++;
      listed.push({ runtime: runtime.id, file: f, size: statSync(from).size });
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
  return { copied, ready, removed, files: listed };
}
